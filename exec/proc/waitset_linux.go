package proc

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// waitSet is an epoll instance that a direct Collect waits on: the job's
// two output pipes and its pidfd are in it, and it is itself in the Go
// runtime's poller, so that one goroutine parks on one fd for all three
// and no OS thread is held while the job runs.
//
// A thread blocked in a system call for the job (poll, wait4) costs more
// than it seems: the runtime's monitor (sysmon) takes the P back from a
// thread in a system call after 20 us, hands it to another thread, and
// keeps checking every 20 us for as long as a P sits in a system call:
// tens of wake-ups per job, on the CPUs the jobs need. A goroutine parked
// in the poller leaves its P idle, and with every P idle the monitor
// sleeps.
type waitSet struct {
	fd int
	f  *os.File        // fd, in the runtime's poller
	rc syscall.RawConn // f's, for waiting on it
	ev [3]unix.EpollEvent

	deadline time.Time          // f's read deadline
	got      []unix.EpollEvent  // what look found
	lookFn   func(uintptr) bool // look, bound once
}

// waitSets keeps waitSets for the next jobs: a new one costs more system
// calls than a job's own. One the pool drops is closed by its File's
// finalizer.
var waitSets sync.Pool

// getWaitSet returns an empty waitSet.
func getWaitSet() (*waitSet, error) {
	if w, ok := waitSets.Get().(*waitSet); ok {
		return w, nil
	}
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	// Non-blocking, so that NewFile hands it to the poller.
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	f := os.NewFile(uintptr(fd), "epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("epoll: %w", err)
	}
	w := &waitSet{fd: fd, f: f, rc: rc}
	w.lookFn = w.look
	return w, nil
}

// add watches fd for reading (or its end), reported as tag.
func (w *waitSet) add(fd int, tag int32) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: tag}
	if err := unix.EpollCtl(w.fd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// remove stops watching fd, before it is closed: a process being started
// at that moment holds a copy of it until its exec, which would keep it
// in the set.
func (w *waitSet) remove(fd int) {
	_ = unix.EpollCtl(w.fd, unix.EPOLL_CTL_DEL, fd, nil)
}

// ready returns the tags of the fds readable now, without waiting; none
// when there are none. Level-triggered: an fd still readable after its
// reader is done with it is reported again. Before a wait on the poller,
// ready must be called by wait (look), not before it.
func (w *waitSet) ready() []unix.EpollEvent {
	for {
		// A wait of 0 never blocks: a raw system call, which the
		// runtime need not hear of (its monitor wakes for each one it
		// does).
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_WAIT, uintptr(w.fd), uintptr(unsafe.Pointer(&w.ev[0])), uintptr(len(w.ev)), 0, 0, 0)
		switch {
		case e == unix.EINTR:
			continue
		case e != 0:
			return nil
		}
		return w.ev[:n]
	}
}

// wait returns the tags of the fds readable, once there are some, or
// none at the deadline (os.ErrDeadlineExceeded); a zero deadline is
// none. The set is looked at after the poller's readiness of it was
// reset, so that a change in between is not lost: the poller hears of the
// set only when it goes from empty to not.
func (w *waitSet) wait(deadline time.Time) ([]unix.EpollEvent, error) {
	if !deadline.Equal(w.deadline) {
		if err := w.f.SetReadDeadline(deadline); err != nil {
			return nil, err
		}
		w.deadline = deadline
	}
	w.got = nil
	if err := w.rc.Read(w.lookFn); err != nil {
		return nil, err
	}
	return w.got, nil
}

// look is w.rc.Read's function: it takes what is readable, if anything.
func (w *waitSet) look(uintptr) bool {
	w.got = w.ready()
	return len(w.got) > 0
}

// put gives w back for another job; its fds must have been removed.
func (w *waitSet) put() {
	if !w.deadline.IsZero() {
		_ = w.f.SetReadDeadline(time.Time{})
		w.deadline = time.Time{}
	}
	waitSets.Put(w)
}
