package proc

import (
	"os"

	"golang.org/x/sys/unix"
)

// jobPipe makes a pipe between pmap and a process it starts: parent is
// pmap's end (non-blocking), child the process's (blocking, never in the
// poller). parentReads says which way it flows; polled puts pmap's end in
// the runtime's poller, as os.Pipe's are, for its Read and Write to wait
// there; without it, only Collect reads it, with poll(2). os.Pipe puts
// both ends in the poller, and the child's end must then be made blocking
// again and taken out of the poller when pmap closes it: six system calls
// a pipe, twelve a job, that this saves.
func jobPipe(parentReads, polled bool) (parent, child *os.File, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	mine, theirs := p[0], p[1]
	if !parentReads {
		mine, theirs = p[1], p[0]
	}
	child = os.NewFile(uintptr(theirs), "|1")
	if !polled {
		// Blocking when NewFile sees it: not for the poller. Non-blocking
		// after, for Collect's reads.
		parent = os.NewFile(uintptr(mine), "|0")
	}
	// Only pmap's end is non-blocking: O_NONBLOCK belongs to the open
	// file, which each end has of its own. Its flags are only its access
	// mode, which F_SETFL leaves alone.
	if _, err := unix.FcntlInt(uintptr(mine), unix.F_SETFL, unix.O_NONBLOCK); err != nil {
		child.Close()
		if parent != nil {
			parent.Close()
		} else {
			unix.Close(mine)
		}
		return nil, nil, os.NewSyscallError("fcntl", err)
	}
	if polled {
		// NewFile sees O_NONBLOCK and hands pmap's end to the poller.
		parent = os.NewFile(uintptr(mine), "|0")
	}
	return parent, child, nil
}
