//go:build unix

package output

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth is the width in columns of the terminal f is, 0 when f is
// not a terminal. It is asked at every redraw, so a resized window is
// followed.
func terminalWidth(f *os.File) int {
	// SyscallConn, not Fd: Fd would put the descriptor in blocking mode.
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	cols := 0
	rc.Control(func(fd uintptr) {
		if ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ); err == nil {
			cols = int(ws.Col)
		}
	})
	return cols
}
