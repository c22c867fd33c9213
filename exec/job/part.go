package job

import (
	"fmt"
	"io"
	"os"
)

// Part is the input of a --pipepart job: a byte range of a file, after a
// header. The job reads it itself, from the file, when it starts, in
// every running job at once: pmap never holds the block, and on Linux the
// bytes go from the file to the job's stdin pipe with splice(2), without a
// copy through pmap.
type Part struct {
	// Path is the file the range is in.
	Path string
	// Header goes before the range (--header), as in every block.
	Header []byte
	// Off and N are where the range starts and how many bytes it has.
	Off, N int64
}

// Len is how many bytes WriteTo writes.
func (p *Part) Len() int64 { return int64(len(p.Header)) + p.N }

// WriteTo writes the header and the range to w. The file is opened for
// each call, so that jobs read their ranges at once and a retry reads its
// range again.
func (p *Part) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(p.Header)
	if err != nil {
		return int64(n), err
	}
	f, err := os.Open(p.Path)
	if err != nil {
		return int64(n), err
	}
	defer f.Close()
	m, err := copyRange(w, f, p.Off, p.N)
	if err == nil && m < p.N {
		err = fmt.Errorf("%s: %w: the file is shorter than when it was cut", p.Path, io.ErrUnexpectedEOF)
	}
	return int64(n) + m, err
}

// copyRangeRead copies n bytes of f from off to w by reading them.
func copyRangeRead(w io.Writer, f *os.File, off, n int64) (int64, error) {
	return io.Copy(w, io.NewSectionReader(f, off, n))
}
