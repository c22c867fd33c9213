package inprocess

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"mvdan.cc/sh/v3/interp"
)

// fileBuffer is how much a redirection to a file holds before writing.
const fileBuffer = 32 << 10

// openFile is the interpreter's open handler. Files opened for writing
// are buffered until the statement that redirected to them ends: builtins
// write in pieces (echo writes each word and the newline apart), and
// `echo {} >> log` in parallel jobs must append whole lines, as sh does
// with one write. Whatever the job holds is written before it opens a
// file, looks at one or starts a command, so that it reads what it wrote
// (exec >f keeps a file open past its statement).
func (ip *InProcess) openFile(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	js, _ := ctx.Value(jobKey{}).(*jobState)
	if js != nil {
		js.flushFiles()
	}
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(hc.Dir, path)
	}
	f, err := os.OpenFile(path, flag, perm)
	if err != nil || flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		// Input stays an *os.File: the interpreter and external commands
		// read it directly.
		return f, err
	}
	bf := &bufFile{f: f}
	if js != nil {
		js.mu.Lock()
		if len(js.files) >= 32 {
			// A loop that redirects every time: forget the closed ones.
			js.files = slices.DeleteFunc(js.files, (*bufFile).isClosed)
		}
		js.files = append(js.files, bf)
		js.mu.Unlock()
	}
	return bf, nil
}

// bufFile is a file opened for writing by a redirection.
type bufFile struct {
	mu     sync.Mutex
	f      *os.File
	buf    []byte
	err    error
	closed bool
}

func (b *bufFile) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// file returns the file with everything written so far, for an external
// command to write to directly.
func (b *bufFile) file() *os.File {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.f
}

func (b *bufFile) flushLocked() {
	if len(b.buf) > 0 && b.err == nil {
		_, b.err = b.f.Write(b.buf)
	}
	b.buf = b.buf[:0]
}

// Write implements io.Writer.
func (b *bufFile) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.write(p, "")
}

// WriteString implements io.StringWriter, which builtins use.
func (b *bufFile) WriteString(s string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.write(nil, s)
}

// write appends p or s (one of them is empty).
func (b *bufFile) write(p []byte, s string) (int, error) {
	n := len(p) + len(s)
	if b.closed {
		return 0, os.ErrClosed
	}
	if len(b.buf)+n > fileBuffer {
		b.flushLocked()
	}
	if b.err != nil {
		return 0, b.err
	}
	if n > fileBuffer {
		if p == nil {
			p = []byte(s)
		}
		if _, b.err = b.f.Write(p); b.err != nil {
			return 0, b.err
		}
		return n, nil
	}
	b.buf = append(b.buf, p...)
	b.buf = append(b.buf, s...)
	return n, nil
}

// Read implements io.Reader (a file opened for reading and writing).
func (b *bufFile) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.f.Read(p)
}

// Close writes what is held and closes the file.
func (b *bufFile) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.flushLocked()
	cerr := b.f.Close()
	if b.err != nil {
		return b.err
	}
	return cerr
}

// statFile is the interpreter's stat handler ([ -s f ], globs).
func (ip *InProcess) statFile(ctx context.Context, path string, follow bool) (fs.FileInfo, error) {
	if js, _ := ctx.Value(jobKey{}).(*jobState); js != nil {
		js.flushFiles()
	}
	if follow {
		return os.Stat(path)
	}
	return os.Lstat(path)
}

// flushFiles writes what the job's open files hold.
func (j *jobState) flushFiles() {
	j.mu.Lock()
	files := j.files
	j.mu.Unlock()
	for _, f := range files {
		f.file()
	}
}

// closeFiles closes the files the job's redirections left open (exec >f
// keeps its file for the rest of the program).
func (j *jobState) closeFiles() {
	j.mu.Lock()
	files := j.files
	j.files = nil
	j.mu.Unlock()
	for _, f := range files {
		f.Close()
	}
}
