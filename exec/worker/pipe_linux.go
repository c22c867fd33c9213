//go:build linux

package worker

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeBuffered returns how many bytes written to the pipe whose read end
// is f have not been read yet; ok is false when the system cannot tell.
func pipeBuffered(f *os.File) (n int, ok bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var ierr error
	// TIOCINQ is FIONREAD under the name x/sys gives it on every
	// architecture.
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCINQ) }); err != nil || ierr != nil {
		return 0, false
	}
	return n, true
}
