package proc

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// blockingWaits bounds the children whose Wait blocks an OS thread in
// wait4, the quickest way to learn that a process ended; the others are
// waited for through a pidfd in the Go runtime's poller, which holds no
// thread (os.Process.Wait blocks one thread per child: thousands of jobs
// would be thousands of threads, and Go aborts at 10,000). Under a limit
// on processes (ulimit -u, which counts threads) no Wait blocks a thread:
// the runtime must not need a thread it cannot create.
var blockingWaits = struct {
	sync.Once
	max int64
	n   atomic.Int64
}{}

func maxBlockingWaits() int64 {
	blockingWaits.Do(func() {
		if nprocLimited() {
			return
		}
		blockingWaits.max = int64(max(8, 4*runtime.GOMAXPROCS(0)))
	})
	return blockingWaits.max
}

// nprocLimited reports whether pmap may meet the user's process limit.
func nprocLimited() bool {
	var lim unix.Rlimit
	return unix.Getrlimit(unix.RLIMIT_NPROC, &lim) == nil && lim.Cur != unix.RLIM_INFINITY && os.Geteuid() != 0
}

// fdLimit is the open-file limit (soft) of the run.
var fdLimit = sync.OnceValue(func() uint64 {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil {
		return unix.RLIM_INFINITY
	}
	return lim.Cur
})

var pidfdWorks = sync.OnceValue(func() bool {
	fd, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
})

// directSet returns, for a child whose Collect reads its output on one
// goroutine, the waitSet it is to wait on, and whether it got one (the
// kernel has pidfds, and an epoll set could be made). Holding no thread,
// such children are not counted among the blocking waits.
func directSet() (*waitSet, bool) {
	if !pidfdWorks() {
		return nil, false
	}
	w, err := getWaitSet()
	return w, err == nil
}

// spawn starts path in process group pgid (0: a new one) with files as its
// fds 0, 1, 2..., and registers it in children as kind. deathSig asks the
// kernel to kill it should pmap die first. direct says Collect waits for
// it (directSet): it gets a pidfd, which Collect waits on with its output
// pipes.
func spawn(path string, argv []string, dir string, env []string, pgid int, files []*os.File, deathSig bool, kind childKind, direct bool) (int, *child, error) {
	sys := &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
	if deathSig {
		sys.Pdeathsig = syscall.SIGKILL
	}
	fds := make([]uintptr, len(files))
	var top uintptr
	for i, f := range files {
		fds[i] = f.Fd() // blocking mode for the child, as os.StartProcess does
		top = max(top, fds[i])
	}
	if uint64(top)+3 >= fdLimit() {
		// The child would move fds above the highest it is given, past the
		// limit: EBADF from a process that never ran. The table is full;
		// the start waits for fds as for EMFILE.
		return 0, nil, &os.PathError{Op: "fork/exec", Path: path, Err: syscall.EMFILE}
	}
	c := &child{kind: kind, pidfd: -1}
	if direct {
		sys.PidFD = &c.pidfd
	} else if blockingWaits.n.Add(1) <= maxBlockingWaits() || !pidfdWorks() {
		c.blocking = true
	} else {
		blockingWaits.n.Add(-1)
		sys.PidFD = &c.pidfd
	}
	spawnMu.RLock()
	pid, _, err := syscall.StartProcess(path, argv, &syscall.ProcAttr{Dir: dir, Env: env, Files: fds, Sys: sys})
	runtime.KeepAlive(files)
	if err != nil {
		spawnMu.RUnlock()
		if c.blocking {
			blockingWaits.n.Add(-1)
		}
		return 0, nil, &os.PathError{Op: "fork/exec", Path: path, Err: err}
	}
	children.add(pid, c)
	spawnMu.RUnlock()
	return pid, c, nil
}

// setDeathSignal makes a process started through os/exec killed should pmap
// die before it.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// wait reaps child pid once it has exited.
func (c *child) wait(pid int) (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	var err error
	done := false
	if c.pidfd >= 0 {
		done, err = pollWait(c.pidfd, pid, &ws)
	}
	for !done {
		if _, err = syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			done = true
		}
	}
	children.remove(pid, c)
	if c.blocking {
		blockingWaits.n.Add(-1)
	}
	return ws, err
}

// reapExited reaps child pid, a direct one (Collect) whose pidfd said it
// exited, and closes the pidfd (out of Collect's waitSet by then).
func (c *child) reapExited(pid int) (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	var err error
	for {
		if _, err = syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			break
		}
	}
	children.remove(pid, c)
	unix.Close(c.pidfd)
	c.pidfd = -1
	return ws, err
}

// pollWait waits for pidfd to become readable (its process exited) in the
// runtime's poller, then reaps pid. done is false when the poller cannot
// take the pidfd; it is closed in any case.
func pollWait(pidfd, pid int, ws *syscall.WaitStatus) (done bool, err error) {
	// Non-blocking, so that os.NewFile hands it to the poller.
	if _, err := unix.FcntlInt(uintptr(pidfd), unix.F_SETFL, unix.O_NONBLOCK); err != nil {
		unix.Close(pidfd)
		return false, nil
	}
	f := os.NewFile(uintptr(pidfd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return false, nil
	}
	var werr error
	perr := rc.Read(func(uintptr) bool {
		for {
			got, err := syscall.Wait4(pid, ws, syscall.WNOHANG, nil)
			switch {
			case err == syscall.EINTR:
				continue
			case err != nil:
				werr, done = err, true
			case got == pid:
				done = true
			}
			return done
		}
	})
	if !done && perr != nil {
		return false, nil
	}
	return true, werr
}
