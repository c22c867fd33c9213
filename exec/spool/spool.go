package spool

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// Spool is the store that buffers draw on. It is safe for concurrent use.
type Spool struct {
	budget int64 // bytes all buffers may hold in memory together
	dir    string

	// OnError, when set, is called with every error a buffer meets
	// spilling to the file (the buffer fails: Err). Set it before use.
	OnError func(error)

	mu       sync.Mutex
	inMemory int64
	file     *os.File // created on first spill, unlinked at once
	fileErr  error
	end      int64 // next free offset in file
	live     int64 // bytes in file still referenced by a buffer
}

// New returns a Spool that keeps up to budget bytes in memory and spills the
// rest to an unlinked temporary file in dir ("" = os.TempDir()).
func New(budget int64, dir string) *Spool {
	return &Spool{budget: budget, dir: dir}
}

// Close releases the spill file.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	return err
}

// InMemory reports how many bytes buffers hold in memory now.
func (s *Spool) InMemory() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inMemory
}

// reserve decides where n more bytes go: memory (ok=true) or the spill file
// at the returned offset.
func (s *Spool) reserve(n int64) (inMemory bool, f *os.File, off int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inMemory+n <= s.budget {
		s.inMemory += n
		return true, nil, 0, nil
	}
	if s.file == nil && s.fileErr == nil {
		s.file, s.fileErr = createUnlinked(s.dir)
	}
	if s.fileErr != nil {
		return false, nil, 0, s.fileErr
	}
	off = s.end
	s.end += n
	s.live += n
	return false, s.file, off, nil
}

func (s *Spool) release(inMemory, inFile int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inMemory -= inMemory
	s.live -= inFile
	if s.live == 0 && s.end > 0 && s.file != nil {
		// Nothing refers to the file any more: reuse it from the start so a
		// long run does not grow it without end.
		if err := s.file.Truncate(0); err == nil {
			s.end = 0
		}
	}
}

func createUnlinked(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "pmap-spool-*")
	if err != nil {
		return nil, spillError("creating", dir, err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, spillError("creating", dir, err)
	}
	return f, nil
}

// spillError says what failed on the spill file and where, without the
// file's random name: "writing the output spill file in /tmp: no space
// left on device".
func spillError(op, dir string, err error) error {
	if dir == "" {
		dir = os.TempDir()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s the output spill file in %s: %w", op, dir, err)
}

type chunk struct {
	mem []byte // in memory, or nil
	off int64  // in the spill file when mem is nil
	n   int64
}

// Buffer is one stream of one job (its stdout or stderr). Writes come from
// one goroutine; reads happen after the writes are done.
type Buffer struct {
	s        *Spool
	chunks   []chunk
	size     int64
	inMemory int64
	inFile   int64
	err      error
}

// NewBuffer returns an empty buffer drawing on s.
func (s *Spool) NewBuffer() *Buffer { return &Buffer{s: s} }

// Len is the number of bytes written.
func (b *Buffer) Len() int64 {
	if b == nil {
		return 0
	}
	return b.size
}

// Write stores p. It fails only when the spill file cannot be written.
func (b *Buffer) Write(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n := int64(len(p))
	if n == 0 {
		return 0, nil
	}
	mem, f, off, err := b.s.reserve(n)
	if err != nil {
		return 0, b.fail(err)
	}
	b.size += n
	if mem {
		b.inMemory += n
		b.appendMemory(p)
		return len(p), nil
	}
	b.inFile += n
	if _, err := f.WriteAt(p, off); err != nil {
		return 0, b.fail(spillError("writing", b.s.dir, err))
	}
	if last := len(b.chunks) - 1; last >= 0 && b.chunks[last].mem == nil && b.chunks[last].off+b.chunks[last].n == off {
		b.chunks[last].n += n
	} else {
		b.chunks = append(b.chunks, chunk{off: off, n: n})
	}
	return len(p), nil
}

// fail makes err the buffer's error and reports it to the spool's OnError.
func (b *Buffer) fail(err error) error {
	b.err = err
	if b.s.OnError != nil {
		b.s.OnError(err)
	}
	return err
}

// Err returns the error that made the buffer lose what was written to it
// (the spill file could not be created or written), or nil.
func (b *Buffer) Err() error {
	if b == nil {
		return nil
	}
	return b.err
}

// blockSize is the size of the memory blocks a buffer fills. Fixed blocks,
// rather than one slice grown by append, mean no copying and no garbage as
// output grows, so memory stays near the budget.
const blockSize = 64 << 10

// appendMemory copies p into the buffer's memory blocks: the last block
// grows as a slice does until it holds blockSize bytes, so that a job writing
// a few small pieces costs one small allocation, and a big output is a list
// of fixed blocks.
func (b *Buffer) appendMemory(p []byte) {
	for len(p) > 0 {
		last := len(b.chunks) - 1
		if last < 0 || b.chunks[last].mem == nil || len(b.chunks[last].mem) >= blockSize {
			b.chunks = append(b.chunks, chunk{mem: make([]byte, 0, min(len(p), blockSize))})
			last++
		}
		c := &b.chunks[last]
		k := min(len(p), blockSize-len(c.mem))
		c.mem = append(c.mem, p[:k]...)
		c.n += int64(k)
		p = p[k:]
	}
}

// WriteTo copies the buffer's contents to w.
func (b *Buffer) WriteTo(w io.Writer) (int64, error) {
	if b == nil {
		return 0, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	var total int64
	for _, c := range b.chunks {
		var n int64
		var err error
		if c.mem != nil {
			var k int
			k, err = w.Write(c.mem)
			n = int64(k)
		} else {
			n, err = copySpilled(w, b.s.file, c.off, c.n)
		}
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Bytes returns the contents as one slice (reading back what was spilled).
func (b *Buffer) Bytes() ([]byte, error) {
	if b == nil || b.size == 0 {
		return nil, nil
	}
	if len(b.chunks) == 1 && b.chunks[0].mem != nil {
		return b.chunks[0].mem, nil
	}
	w := &sliceWriter{buf: make([]byte, 0, b.size)}
	_, err := b.WriteTo(w)
	return w.buf, err
}

// Release gives the buffer's space back to the spool; the buffer is empty after.
func (b *Buffer) Release() {
	if b == nil || b.s == nil {
		return
	}
	b.s.release(b.inMemory, b.inFile)
	*b = Buffer{s: b.s}
}

// readBackSize is the size of the reads of spilled output: large, so that
// a spilled output goes out in a few large writes (and few system calls)
// rather than io.Copy's 32 KiB pieces.
const readBackSize = 1 << 20

var readBackBufs = sync.Pool{New: func() any { b := make([]byte, readBackSize); return &b }}

// copySpilled copies n bytes at off in f to w.
func copySpilled(w io.Writer, f *os.File, off, n int64) (int64, error) {
	bp := readBackBufs.Get().(*[]byte)
	k, err := io.CopyBuffer(onlyWriter{w}, io.NewSectionReader(f, off, n), *bp)
	if err == nil {
		// Not after a failed write: a write given up (a second Ctrl-C)
		// may still hold the buffer.
		readBackBufs.Put(bp)
	}
	return k, err
}

// onlyWriter hides w's ReadFrom, so that io.CopyBuffer uses its buffer.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

type sliceWriter struct{ buf []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), nil
}
