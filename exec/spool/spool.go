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
	// Reuse, when set, says whether a released buffer's memory may be
	// handed to another buffer: not once a write of it may still be
	// pending (stdout given up by a second Ctrl-C). Set it before use.
	Reuse func() bool

	mu       sync.Mutex
	inMemory int64
	file     *os.File // created on first spill, unlinked at once
	fd       int      // file's descriptor, for FileReaderFrom
	fileErr  error
	end      int64    // the file's size in segments: where a new one starts
	free     []int64  // offsets of segments no buffer holds
	live     int64    // bytes of the segments buffers hold
	blocks   [][]byte // memory blocks released, for the next buffers
	stages   int      // buffers holding a staging block (Buffer.stage)
}

// New returns a Spool that keeps up to budget bytes in memory and spills the
// rest to an unlinked temporary file in dir ("" = os.TempDir()).
func New(budget int64, dir string) *Spool {
	return &Spool{budget: budget, dir: dir, fd: -1}
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

// segmentSize is the unit of the spill file that a buffer fills: each
// buffer writes into segments of its own, and a released buffer's
// segments are written over by later buffers rather than the file growing.
// Pages the file already has in the page cache are then written over in
// place, which costs the kernel far less than new ones.
const segmentSize = 1 << 20

// toMemory reports whether n more bytes fit in the memory budget, and
// counts them there when they do.
func (s *Spool) toMemory(n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inMemory+n <= s.budget {
		s.inMemory += n
		return true
	}
	return false
}

// toFile finds room in the spill file for up to n more bytes of b: k bytes
// at off, in b's current segment (a new one when it is full). The caller
// holds s.mu.
func (s *Spool) toFile(b *Buffer, n int64) (off, k int64, err error) {
	if !s.openFile() {
		return 0, 0, s.fileErr
	}
	if b.segLeft == 0 {
		if last := len(s.free) - 1; last >= 0 {
			b.seg = s.free[last]
			s.free = s.free[:last]
		} else {
			b.seg = s.end
			s.end += segmentSize
		}
		b.segs = append(b.segs, b.seg)
		b.segLeft = segmentSize
		s.live += segmentSize
	}
	k = min(n, b.segLeft)
	off = b.seg + segmentSize - b.segLeft
	b.segLeft -= k
	return off, k, nil
}

// openFile creates the spill file on first use; it reports whether there
// is one. The caller holds s.mu.
func (s *Spool) openFile() bool {
	if s.file == nil && s.fileErr == nil {
		s.file, s.fileErr = createUnlinked(s.dir)
		if s.fileErr == nil {
			s.fd = -1
			if rc, err := s.file.SyscallConn(); err == nil {
				_ = rc.Control(func(fd uintptr) { s.fd = int(fd) })
			}
		}
	}
	return s.fileErr == nil
}

// block returns an empty memory block of blockSize bytes: one a released
// buffer gave back, or a new one.
func (s *Spool) block() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if last := len(s.blocks) - 1; last >= 0 {
		b := s.blocks[last]
		s.blocks = s.blocks[:last]
		return b[:0]
	}
	return make([]byte, 0, blockSize)
}

// release gives b's memory and segments back. Its full memory blocks are
// kept for the next buffers (up to the budget's worth): output that moves
// through memory then allocates nothing, and the heap does not grow with
// the garbage of written output before a collection.
func (s *Spool) release(b *Buffer) {
	reuse := s.Reuse == nil || s.Reuse()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range b.chunks {
		if reuse && cap(c.mem) == blockSize && int64(len(s.blocks)+1)*blockSize <= s.budget {
			s.blocks = append(s.blocks, c.mem)
		}
	}
	if b.stage != nil {
		s.stages--
		if reuse && int64(len(s.blocks)+1)*blockSize <= s.budget {
			s.blocks = append(s.blocks, b.stage)
		}
	}
	s.inMemory -= b.inMemory
	s.live -= int64(len(b.segs)) * segmentSize
	s.free = append(s.free, b.segs...)
	if s.live == 0 && s.end > 0 && s.file != nil {
		// Nothing refers to the file any more: empty it, so that a run
		// that spilled once does not keep the disk space to its end.
		if err := s.file.Truncate(0); err == nil {
			s.end = 0
			s.free = s.free[:0]
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
	segs     []int64 // the spill file segments the buffer holds
	seg      int64   // the one being filled
	segLeft  int64   // room left in it
	// stage gathers spilled bytes until a block's worth is written to
	// the file in one piece; what it holds comes after every chunk.
	stage []byte
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
	// Bytes after staged ones are staged too: the stage comes last.
	if len(b.stage) == 0 && b.s.toMemory(n) {
		b.size += n
		b.inMemory += n
		b.appendMemory(p)
		return len(p), nil
	}
	if b.stage == nil {
		b.stage = b.s.stageBlock()
	}
	if b.stage == nil {
		return int(n), b.writeFile(p)
	}
	for len(p) > 0 {
		k := min(len(p), blockSize-len(b.stage))
		b.stage = append(b.stage, p[:k]...)
		b.size += int64(k)
		p = p[k:]
		if len(b.stage) == blockSize {
			if err := b.writeFile(b.stage); err != nil {
				return 0, err
			}
			b.size -= blockSize // writeFile counted them again
			b.stage = b.stage[:0]
		}
	}
	return int(n), nil
}

// writeFile writes p to the buffer's spill segments and counts it.
func (b *Buffer) writeFile(p []byte) error {
	for len(p) > 0 {
		b.s.mu.Lock()
		off, k, err := b.s.toFile(b, int64(len(p)))
		f := b.s.file
		b.s.mu.Unlock()
		if err != nil {
			return b.fail(err)
		}
		b.size += k
		b.inFile += k
		if _, err := f.WriteAt(p[:k], off); err != nil {
			return b.fail(spillError("writing", b.s.dir, err))
		}
		b.appendFile(off, k)
		p = p[k:]
	}
	return nil
}

// maxStages is how many buffers may gather spilled output in a staging
// block at a time (1 MiB of memory beyond the budget at most).
const maxStages = 16

// stageBlock returns a block in which a buffer gathers what it spills, so
// that the spill file gets one write per blockSize bytes rather than one
// per pipe read; nil when maxStages buffers have one.
func (s *Spool) stageBlock() []byte {
	s.mu.Lock()
	if s.stages >= maxStages {
		s.mu.Unlock()
		return nil
	}
	s.stages++
	s.mu.Unlock()
	return s.block()
}

// appendFile adds the n bytes at off in the spill file, which the buffer
// has counted, to its chunks: to the last one when they follow it there.
func (b *Buffer) appendFile(off, n int64) {
	if last := len(b.chunks) - 1; last >= 0 && b.chunks[last].mem == nil && b.chunks[last].off+b.chunks[last].n == off {
		b.chunks[last].n += n
	} else {
		b.chunks = append(b.chunks, chunk{off: off, n: n})
	}
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

// appendMemory copies p into the buffer's memory blocks: the first block
// grows as a slice does until it holds blockSize bytes, so that a job
// writing a few small pieces costs one small allocation; every later
// block is a whole one (Spool.block), so that a big output is a list of
// fixed blocks, reused once written.
func (b *Buffer) appendMemory(p []byte) {
	for len(p) > 0 {
		last := len(b.chunks) - 1
		if last < 0 || b.chunks[last].mem == nil || len(b.chunks[last].mem) >= blockSize {
			var mem []byte
			if last < 0 && len(p) < blockSize {
				mem = make([]byte, 0, len(p))
			} else {
				mem = b.s.block()
			}
			b.chunks = append(b.chunks, chunk{mem: mem})
			last++
		}
		c := &b.chunks[last]
		k := min(len(p), blockSize-len(c.mem))
		c.mem = append(c.mem, p[:k]...)
		c.n += int64(k)
		p = p[k:]
	}
}

// FileReaderFrom is a writer that can copy bytes of a file itself, with
// no copy through pmap's memory (sendfile(2) or splice(2) on Linux):
// Buffer.WriteTo hands it spilled output by place in the spill file.
type FileReaderFrom interface {
	// ReadFromFile writes the n bytes at off in the file fd. handled
	// false: it wrote nothing, and they are to come by Write.
	ReadFromFile(fd int, off, n int64) (written int64, handled bool, err error)
}

// WriteTo copies the buffer's contents to w; spilled output goes by
// w's ReadFromFile when it has one (FileReaderFrom).
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
			handled := false
			if fw, ok := w.(FileReaderFrom); ok && b.s.fd >= 0 {
				n, handled, err = fw.ReadFromFile(b.s.fd, c.off, c.n)
			}
			if !handled {
				n, err = copySpilled(w, b.s.file, c.off, c.n)
			}
		}
		total += n
		if err != nil {
			return total, err
		}
	}
	if len(b.stage) > 0 {
		n, err := w.Write(b.stage)
		total += int64(n)
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
	if len(b.chunks) == 1 && b.chunks[0].mem != nil && len(b.stage) == 0 {
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
	b.s.release(b)
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
