//go:build linux || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"errors"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchReader calls gone, once, when f is a pipe whose reader went away
// (`pmap ... | head -1`), without waiting for pmap's next write to it: a
// run whose jobs print nothing for a long while would otherwise go on
// starting jobs for nobody. These systems report POLLERR (Linux) or
// POLLHUP (the BSDs) on the write end of a pipe without a reader, whatever
// events are asked for. The returned stop ends the watch; gone is not
// called once it has returned.
func watchReader(f *os.File, gone func()) (stop func()) {
	nothing := func() {}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return nothing
	}
	// The file descriptor is read through SyscallConn: Fd would put
	// stdout, shared with other processes, in blocking mode.
	sc, err := f.SyscallConn()
	if err != nil {
		return nothing
	}
	var fd int32 = -1
	if sc.Control(func(d uintptr) { fd = int32(d) }) != nil || fd < 0 {
		return nothing
	}
	// Closing w wakes the poll: the run is over.
	r, w, err := os.Pipe()
	if err != nil {
		return nothing
	}
	wake := int32(r.Fd())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Close()
		fds := []unix.PollFd{{Fd: fd}, {Fd: wake, Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			switch {
			case errors.Is(err, syscall.EINTR):
				continue
			case err != nil, fds[1].Revents != 0, fds[0].Revents&unix.POLLNVAL != 0:
				return
			case fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0:
				gone()
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			w.Close()
			<-done // gone is not called once stop returns
		})
	}
}
