//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package worker

import (
	"os"

	"golang.org/x/sys/unix"
)

// fionread is FIONREAD, _IOR('f', 127, int), the same on every BSD and on
// macOS (golang.org/x/sys/unix does not name it there).
const fionread = 0x4004667f

// pipeBuffered returns how many bytes written to the pipe whose read end
// is f have not been read yet; ok is false when the system cannot tell.
func pipeBuffered(f *os.File) (n int, ok bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var ierr error
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), fionread) }); err != nil || ierr != nil {
		return 0, false
	}
	return n, true
}
