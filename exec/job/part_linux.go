//go:build linux

package job

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// spliceChunk is how much one splice(2) call moves at most.
const spliceChunk = 1 << 20

// copyRange copies n bytes of f from off to w. When w is a pipe (a job's
// stdin) the bytes move with splice(2), from the page cache to the pipe,
// without a copy through pmap; anywhere splice cannot work, and for other
// writers, it copies.
func copyRange(w io.Writer, f *os.File, off, n int64) (int64, error) {
	pw, ok := w.(*os.File)
	if !ok {
		return copyRangeRead(w, f, off, n)
	}
	src, err := f.SyscallConn()
	if err != nil {
		return copyRangeRead(w, f, off, n)
	}
	dst, err := pw.SyscallConn()
	if err != nil {
		return copyRangeRead(w, f, off, n)
	}
	var written int64
	var serr error
	unsupported := false
	cerr := src.Control(func(sfd uintptr) {
		for written < n && serr == nil {
			werr := dst.Write(func(dfd uintptr) bool {
				o := off + written
				k, e := unix.Splice(int(sfd), &o, int(dfd), nil, int(min(n-written, spliceChunk)), unix.SPLICE_F_MOVE|unix.SPLICE_F_MORE)
				switch {
				case errors.Is(e, unix.EAGAIN):
					return false // the pipe is full: wait until it is not
				case errors.Is(e, unix.EINTR):
					return true
				case (errors.Is(e, unix.EINVAL) || errors.Is(e, unix.ENOSYS)) && written == 0:
					unsupported = true
					serr = e
				case e != nil:
					serr = e
				case k == 0:
					serr = io.ErrUnexpectedEOF
				default:
					written += int64(k)
				}
				return true
			})
			if werr != nil && serr == nil {
				serr = werr
			}
		}
	})
	if unsupported {
		return copyRangeRead(w, f, off, n)
	}
	if cerr != nil && serr == nil {
		serr = cerr
	}
	if errors.Is(serr, io.ErrUnexpectedEOF) {
		return written, nil // copyRange's caller reports a short file
	}
	return written, serr
}
