package proc

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// DrainGrace is how long pmap waits, after a job's main process exits, for
// its output pipes to close. A daemonised grandchild that keeps them open is
// then killed with the job's process group, so it cannot hold the run.
const DrainGrace = time.Second

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// PipeWriter is a writer that can take a pipe's bytes itself, with no
// copy through pmap's memory (splice(2) on Linux): a spill file, or
// stdout for the job whose output passes straight on. Copy offers it the
// pipe each time the pipe is readable.
type PipeWriter interface {
	// ReadFromPipe moves bytes readable now from the non-blocking pipe
	// fd. handled false: it took nothing, and this piece goes through
	// Write. Otherwise n bytes moved; err is EAGAIN when the pipe is
	// empty, nil with n == 0 at its end, or the writer's own failure.
	ReadFromPipe(fd int) (n int64, handled bool, err error)
}

// Copy reads r to EOF into w. A failing w (a closed stdout) does not stop
// the reading: the job must not block on a full pipe while pmap stops it.
// When w is a PipeWriter and r a pipe, the bytes w takes itself skip
// pmap's memory.
func Copy(w io.Writer, r io.Reader) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var werr error
	pw, rc := pipeWriter(w, r)
	var step pipeStep
	var perr error
	var splice func(fd uintptr) bool
	if rc != nil {
		// One function for every read: a closure made per read would be
		// garbage for each piece of output. Empty: wait until the pipe is
		// readable again.
		splice = func(fd uintptr) bool {
			step, perr = offer(pw, int(fd))
			return step != stepWait
		}
	}
	for {
		if rc != nil && werr == nil {
			rerr := rc.Read(splice)
			switch {
			case rerr != nil:
				return // the read deadline of a pipe held past the job's end
			case step == stepWrite:
			case step == stepFailed:
				werr = perr // read on, and drop, what follows
				continue
			case step == stepEnd:
				return
			default:
				continue
			}
		}
		n, err := r.Read(buf)
		if n > 0 && werr == nil {
			_, werr = w.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// pipeStep is what one offer of a pipe to a PipeWriter leaves its copy
// to do: Copy and Collect read it alike.
type pipeStep int

const (
	stepWrite  pipeStep = iota // not taken: read the bytes and Write them
	stepWait                   // empty now: wait until the pipe is readable
	stepMoved                  // bytes moved: offer again when readable
	stepEnd                    // the pipe's end
	stepFailed                 // the writer failed: read on, and drop, what follows
)

// offer gives the bytes readable now from the non-blocking pipe fd to pw;
// err is the writer's failure, with stepFailed.
func offer(pw PipeWriter, fd int) (pipeStep, error) {
	moved, handled, err := pw.ReadFromPipe(fd)
	switch {
	case !handled:
		return stepWrite, nil
	case errors.Is(err, syscall.EAGAIN):
		return stepWait, nil
	case err != nil:
		return stepFailed, err
	case moved == 0:
		return stepEnd, nil
	}
	return stepMoved, nil
}

// pipeWriter returns w as a PipeWriter and r's raw connection when w can
// take r's bytes itself; nil otherwise.
func pipeWriter(w io.Writer, r io.Reader) (PipeWriter, syscall.RawConn) {
	pw, ok := w.(PipeWriter)
	f, isFile := r.(*os.File)
	if !ok || !isFile {
		return nil, nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, nil
	}
	return pw, rc
}

// CopyStream copies the pipe r to w (Copy), then closes w when it is an
// io.Closer (a live writer writes its partial last line) and r, and sends
// on done.
func CopyStream(w io.Writer, r *os.File, done chan<- struct{}) {
	Copy(w, r)
	if c, ok := w.(io.Closer); ok {
		c.Close()
	}
	r.Close()
	limits.released() // a start waiting for fds may get them now
	done <- struct{}{}
}

// AwaitStreams waits for both output pipes of the job in group pgid to
// reach EOF: two sends on copied, from CopyStream. Once the main process
// has exited, a grandchild still holding a pipe gets DrainGrace before the
// group is killed, and one that escaped the group (setsid) gets another
// DrainGrace before pmap stops reading.
func AwaitStreams(copied <-chan struct{}, pgid int, pipes ...*os.File) {
	n := 0
	select {
	case <-copied:
		n++
		select {
		case <-copied:
			return
		default:
		}
	default:
	}
	timer := time.NewTimer(DrainGrace)
	defer timer.Stop()
	killed := false
	for n < 2 {
		select {
		case <-copied:
			n++
		case <-timer.C:
			if !killed {
				killed = true
				SignalGroup(pgid, syscall.SIGKILL)
				timer.Reset(DrainGrace)
				continue
			}
			for _, f := range pipes {
				_ = f.SetReadDeadline(time.Now())
			}
		}
	}
}
