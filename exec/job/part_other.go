//go:build !linux

package job

import (
	"io"
	"os"
)

// copyRange copies n bytes of f from off to w.
func copyRange(w io.Writer, f *os.File, off, n int64) (int64, error) {
	return copyRangeRead(w, f, off, n)
}
