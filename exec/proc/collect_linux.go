package proc

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Collect copies the process's Stdout pipe to stdout and its Stderr pipe
// to stderr until both end, and waits for the process (it reaps it: Wait
// is not to be called as well). A writer that is an io.Closer is closed
// at its pipe's end, as CopyStream does; once the process has exited, what
// else of its group holds a pipe is given time as AwaitStreams gives it.
//
// A child started direct (Spec.Collect, and the kernel has pidfds) is
// collected on this goroutine alone: its two pipes and its pidfd are in
// one epoll set (waitSet) that waits in the runtime's poller, so that the
// goroutine wakes when the process writes or ends, as a C program waits
// for its children, and no thread is held while it runs. pmap holds the
// write ends of the pipes until the process exits (Child.held), so that
// the pipes end with the process rather than wake the goroutine once
// more just before it ends; a process that closes its output early
// (exec >&-) has it ended at its exit. The other way
// takes a goroutine per pipe and a wait of its own: three wake-ups, a
// dozen more system calls and as many switches between threads for a job
// that writes nothing, on the CPUs the jobs need.
func (c *Child) Collect(stdout, stderr io.Writer) (State, error) {
	if !c.direct {
		return c.collectPolled(stdout, stderr)
	}
	w := c.set
	defer w.put()
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	files := [2]*os.File{c.Stdout, c.Stderr}
	fds := [2]int{int(c.Stdout.Fd()), int(c.Stderr.Fd())}
	ws := [2]io.Writer{stdout, stderr}
	// A writer that takes a pipe's bytes itself (splice to stdout) gets
	// them first, as Copy gives them (PipeWriter).
	var pws [2]PipeWriter
	for i, w := range ws {
		pws[i], _ = w.(PipeWriter)
	}
	var werr [2]error
	open := 2
	end := func(i int) {
		if cl, ok := ws[i].(io.Closer); ok {
			cl.Close()
		}
		w.remove(fds[i])
		files[i].Close()
		limits.released() // a start waiting for fds may get them now
		fds[i] = -1
		open--
	}
	var (
		st      syscall.WaitStatus
		waitErr error
		exited  bool
		killed  bool
		grace   time.Time // when the drain grace ends, once the process exited
	)
	reap := func() {
		w.remove(c.entry.pidfd)
		for _, f := range c.held {
			f.Close() // what else holds a pipe ends it now
		}
		c.held = nil
		st, waitErr = c.entry.reapExited(c.Pid)
		c.reaped()
		exited = true
		grace = time.Now().Add(DrainGrace)
	}
	for open > 0 || !exited {
		if c.exitPolled && !exited && hasExited(c.Pid) {
			reap()
		}
		deadline := grace
		switch {
		case c.exitPolled && !exited:
			deadline = time.Now().Add(exitPoll)
		case deadline.IsZero():
			deadline = time.Now().Add(lookAgain)
		}
		evs, err := w.wait(deadline)
		late := errors.Is(err, os.ErrDeadlineExceeded)
		switch {
		case late:
			evs = w.ready() // what came at the deadline
		case err != nil:
			// The poller failed (out of kernel memory, say): try
			// again shortly.
			time.Sleep(time.Millisecond)
			continue
		}
		if len(evs) == 0 {
			if !late || !exited {
				continue // the exit poll's deadline
			}
			if !killed {
				// A grandchild holds a pipe: it ends with the group.
				killed = true
				SignalGroup(c.pgid, syscall.SIGKILL)
				grace = time.Now().Add(DrainGrace)
				continue
			}
			// It escaped the group (setsid): stop reading.
			for i := range fds {
				if fds[i] >= 0 {
					end(i)
				}
			}
			break
		}
		for _, ev := range evs {
			i := int(ev.Fd)
			if i == tagExit {
				if !exited {
					reap()
				}
				continue
			}
			if fds[i] < 0 {
				continue
			}
			if pws[i] != nil && werr[i] == nil {
				step, perr := offer(pws[i], fds[i])
				switch step {
				case stepFailed:
					werr[i] = perr // read on, and drop, what follows
				case stepEnd:
					end(i)
				}
				if step != stepWrite {
					continue // ready says when there is more
				}
			}
			// One read per turn: ready says again if there is more.
			n, err := readRetry(fds[i], buf)
			switch {
			case n > 0:
				if werr[i] == nil {
					// A failing writer (a closed stdout) does not stop
					// the reading: the job must not block on a full pipe.
					_, werr[i] = ws[i].Write(buf[:n])
				}
			case err == unix.EAGAIN:
			default: // EOF, or an error that ends the stream as Copy's does
				end(i)
			}
		}
	}
	return State{st}, waitErr
}

// tagExit is the pidfd's tag in a direct child's waitSet; its output
// pipes are 0 and 1.
const tagExit = 2

// lookAgain bounds a wait for a running child: the set's readiness
// reaches the runtime's poller through a nested epoll and the poller's
// edge-triggered registration, and should a wake-up ever be missed there,
// the job is seen at most this late, rather than never. A child running
// for minutes costs a wake-up a second.
const lookAgain = time.Second

// exitPoll is how often Collect looks for the end of a child whose pidfd
// is not in its waitSet.
const exitPoll = 10 * time.Millisecond

// hasExited reports whether child pid has ended, leaving it to be reaped.
func hasExited(pid int) bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	// A child not yet ended leaves info zero (no pid).
	return err == nil && info.Signo != 0
}

// readRetry is read(2) again on EINTR.
func readRetry(fd int, buf []byte) (int, error) {
	for {
		n, err := unix.Read(fd, buf)
		if err != unix.EINTR {
			return n, err
		}
	}
}
