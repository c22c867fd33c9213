package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// partRead is how much Parts reads at each place it looks for a boundary,
// as GNU parallel does (its dd block size, 128 KiB): with --regexp the
// boundary found is the last one in it, so the amount is part of the cut.
const partRead = 128 << 10

// headerLimit bounds how far Parts looks for a --header expression that
// does not match: no header then, instead of reading the whole file.
const headerLimit = 64 << 20

// Parts cuts a seekable file into the byte ranges of --pipepart, without
// reading it through: from the header's end, it looks one block size
// further for the first record boundary, and the part ends there (a part
// is at least a block, unless it is the last), as GNU parallel's
// --pipepart does; the last part ends at the end of the file. Ranges come
// lazily, so the first job starts before the file is cut to its end.
type Parts struct {
	f      *os.File
	name   string
	size   int64
	block  int64
	split  recordSplitter
	start  int64 // where the next part starts
	Header []byte
	buf    []byte
}

// OpenParts opens name for --pipepart, cut as opt says (Size, the record
// end and start, Header; not Records or Lines). The file must be regular
// or a block device: a pipe cannot be read twice.
func OpenParts(name string, opt BlockOptions) (*Parts, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() && st.Mode()&os.ModeDevice == 0 {
		err = fmt.Errorf("--pipepart %s: not a regular file: --pipepart needs a file it can seek in (use --pipe for pipes)", name)
	}
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekEnd) // a block device's size too
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	p := &Parts{f: f, name: name, size: size, block: int64(opt.Size), split: newRecordSplitter(opt)}
	if p.block <= 0 {
		p.block = DefaultBlockSize
	}
	if opt.Header != nil {
		if err := p.readHeader(opt); err != nil {
			f.Close()
			return nil, err
		}
	}
	p.start = int64(len(p.Header))
	return p, nil
}

// readHeader finds the header from the start of the file, reading a block
// at a time until it matches, as GNU parallel does.
func (p *Parts) readHeader(opt BlockOptions) error {
	var buf []byte
	for off := int64(0); off < p.size && off < headerLimit; off += p.block {
		chunk := make([]byte, min(p.block, p.size-off))
		n, err := p.f.ReadAt(chunk, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %s: %w", p.name, err)
		}
		buf = append(buf, chunk[:n]...)
		if loc := opt.Header.FindIndex(buf); loc != nil {
			p.Header = buf[:loc[1]:loc[1]]
			return nil
		}
	}
	return nil
}

// Next returns the next part, where it starts and how long it is, or
// io.EOF after the last.
func (p *Parts) Next() (off, n int64, err error) {
	if p.start >= p.size {
		return 0, 0, io.EOF
	}
	end, err := p.boundaryAfter(p.start + p.block)
	if err != nil {
		return 0, 0, err
	}
	off, p.start = p.start, end
	return off, end - off, nil
}

// boundaryAfter is the first record boundary at or after pos (the end of
// the file when there is none), found as GNU parallel finds it: in what it
// reads from pos, 128 KiB at a time, the first separator (with --regexp,
// the last match in what has been read).
func (p *Parts) boundaryAfter(pos int64) (int64, error) {
	if pos >= p.size {
		return p.size, nil
	}
	if len(p.split.sep) == 0 && p.split.re == nil {
		return pos, nil // records end anywhere
	}
	buf := p.buf[:0]
	defer func() { p.buf = buf[:0] }()
	for off := pos; off < p.size; {
		chunk := min(int64(partRead), p.size-off)
		buf = append(buf, make([]byte, chunk)...)
		n, err := p.f.ReadAt(buf[len(buf)-int(chunk):], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("read %s: %w", p.name, err)
		}
		buf = buf[:len(buf)-int(chunk)+n]
		off += int64(n)
		if at, ok := p.split.firstFrom(buf); ok {
			return pos + int64(at), nil
		}
		if n == 0 {
			break
		}
	}
	return p.size, nil
}

// Close closes the file.
func (p *Parts) Close() error { return p.f.Close() }

// firstFrom is GNU parallel's boundary in what --pipepart read at a place:
// the first separator, where the boundary may be at 0 (a record start
// right there); with --regexp the last match.
func (s *recordSplitter) firstFrom(buf []byte) (int, bool) {
	if s.re == nil {
		i := bytes.Index(buf, s.sep)
		if i < 0 {
			return 0, false
		}
		return i + len(s.end), true
	}
	all := s.re.FindAllSubmatchIndex(buf, -1)
	if len(all) == 0 {
		return 0, false
	}
	return all[len(all)-1][3], true
}
