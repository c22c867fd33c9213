package proc

import (
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

// Copy reads r to EOF into w. A failing w (a closed stdout) does not stop
// the reading: the job must not block on a full pipe while pmap stops it.
func Copy(w io.Writer, r io.Reader) {
	bp := copyBufs.Get().(*[]byte)
	buf := *bp
	var werr error
	for {
		n, err := r.Read(buf)
		if n > 0 && werr == nil {
			_, werr = w.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	copyBufs.Put(bp)
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
