package proc

import (
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
// A child started direct (Spec.Collect, and a thread may block on it) is
// collected on this goroutine's thread alone: one poll(2) on its two pipes
// and its pidfd wakes it when the process writes or ends, as a C program
// waits for its children. The other way takes a goroutine per pipe in the
// runtime's poller and a wait of its own: three wake-ups, a dozen more
// system calls and as many switches between threads for a job that writes
// nothing, on the CPUs the jobs need.
func (c *Child) Collect(stdout, stderr io.Writer) (State, error) {
	if !c.direct {
		return c.collectPolled(stdout, stderr)
	}
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	files := [2]*os.File{c.Stdout, c.Stderr}
	ws := [2]io.Writer{stdout, stderr}
	// A writer that takes a pipe's bytes itself (splice to stdout) gets
	// them first, as Copy gives them (PipeWriter).
	var pws [2]PipeWriter
	for i, w := range ws {
		pws[i], _ = w.(PipeWriter)
	}
	var werr [2]error
	pfd := []unix.PollFd{
		{Fd: int32(c.Stdout.Fd()), Events: unix.POLLIN},
		{Fd: int32(c.Stderr.Fd()), Events: unix.POLLIN},
		{Fd: int32(c.entry.pidfd), Events: unix.POLLIN},
	}
	open := 2
	end := func(i int) {
		if cl, ok := ws[i].(io.Closer); ok {
			cl.Close()
		}
		files[i].Close()
		limits.released() // a start waiting for fds may get them now
		pfd[i].Fd = -1
		open--
	}
	var (
		st      syscall.WaitStatus
		waitErr error
		exited  bool
		killed  bool
		grace   time.Time // when the drain grace ends, once the process exited
	)
	for open > 0 || !exited {
		timeout := -1
		if exited {
			timeout = max(int(time.Until(grace).Milliseconds())+1, 0)
		}
		n, err := unix.Poll(pfd, timeout)
		if err != nil {
			if err != unix.EINTR {
				// Out of kernel memory, say: try again shortly.
				time.Sleep(time.Millisecond)
			}
			continue
		}
		if n == 0 && exited && !time.Now().Before(grace) {
			if !killed {
				// A grandchild holds a pipe: it ends with the group.
				killed = true
				SignalGroup(c.pgid, syscall.SIGKILL)
				grace = time.Now().Add(DrainGrace)
				continue
			}
			// It escaped the group (setsid): stop reading.
			for i := range files {
				if pfd[i].Fd >= 0 {
					end(i)
				}
			}
			break
		}
		for i := range files {
			if pfd[i].Fd < 0 || pfd[i].Revents == 0 {
				continue
			}
			if pws[i] != nil && werr[i] == nil {
				step, perr := offer(pws[i], int(pfd[i].Fd))
				switch step {
				case stepFailed:
					werr[i] = perr // read on, and drop, what follows
				case stepEnd:
					end(i)
				}
				if step != stepWrite {
					continue // poll says when there is more
				}
			}
			// One read per wake-up: poll says again if there is more.
			n, err := readRetry(int(pfd[i].Fd), buf)
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
		if pfd[2].Fd >= 0 && pfd[2].Revents != 0 {
			st, waitErr = c.entry.reapExited(c.Pid)
			c.reaped()
			exited = true
			pfd[2].Fd = -1
			grace = time.Now().Add(DrainGrace)
		}
	}
	return State{st}, waitErr
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
