package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec/spool"
)

// sink is one of pmap's own output streams, shared by every job. It
// serialises writes and notices when a write fails: a reader that went
// away (`| head -1`) calls onBroken, so that the run stops quietly; any
// other error (a full disk, an I/O error) calls onError, so that the run
// stops and says so. Either way later writes are dropped: the run is
// stopping, and a stream with a hole in it must not go on as if whole.
type sink struct {
	mu       sync.Mutex
	w        io.Writer
	name     string // what the messages call it: "stdout", "--results FILE"
	broken   bool
	onBroken func()
	onError  func(error)
}

func (s *sink) write(p []byte) {
	if s.broken {
		return
	}
	if _, err := s.w.Write(p); err != nil {
		s.fail(err)
	}
}

func (s *sink) fail(err error) {
	if s.broken {
		return
	}
	s.broken = true
	if s.onBroken != nil && ClosedPipe(err) {
		s.onBroken()
		return
	}
	if s.onError != nil {
		s.onError(WriteError(s.name, err))
	}
}

// Write implements io.Writer for use as a copy destination; the caller holds mu.
func (s *sink) Write(p []byte) (int, error) {
	s.write(p)
	return len(p), nil
}

// pipeReaderFrom is a stream that can take a pipe's bytes itself, with no
// copy through pmap's memory (splice(2)): see exec/proc.PipeWriter.
type pipeReaderFrom interface {
	ReadFromPipe(fd int) (n int64, handled bool, err error)
}

// readFromPipe moves what the pipe fd holds to the stream when its
// writer can take it itself (pipeReaderFrom), as write would; handled
// false leaves the bytes to write. It takes s.mu.
func (s *sink) readFromPipe(fd int) (n int64, handled bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, ok := s.w.(pipeReaderFrom)
	if !ok || s.broken {
		return 0, false, nil // write drops them on a broken stream
	}
	n, handled, err = pr.ReadFromPipe(fd)
	if handled && err != nil && !errors.Is(err, syscall.EAGAIN) {
		s.fail(err)
		return n, false, nil
	}
	return n, handled, err
}

// ReadFromFile (spool.FileReaderFrom) writes the n bytes at off in the
// file fd as write would, straight from the file when the writer can
// take them so; the caller holds mu.
func (s *sink) ReadFromFile(fd int, off, n int64) (int64, bool, error) {
	if s.broken {
		return n, true, nil // dropped, as write drops them
	}
	fw, ok := s.w.(spool.FileReaderFrom)
	if !ok {
		return 0, false, nil
	}
	_, handled, err := fw.ReadFromFile(fd, off, n)
	if !handled {
		return 0, false, nil
	}
	if err != nil {
		s.fail(err)
	}
	return n, true, nil
}

// flush flushes w when it buffers.
func (s *sink) flush() {
	if f, ok := s.w.(interface{ Flush() error }); ok && !s.broken {
		if err := f.Flush(); err != nil {
			s.fail(err)
		}
	}
}

// ClosedPipe reports whether err is a write to a pipe whose reader went
// away: not a failure, the reader has all it wants.
func ClosedPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}

// WriteError is the error for a failed write to what ("stdout", "--joblog
// FILE"): "writing output to stdout: no space left on device". The file
// name is in what, so the os package's "write NAME:" is left out.
func WriteError(what string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if what == "stdout" {
		return fmt.Errorf("writing output to stdout: %w", err)
	}
	return fmt.Errorf("writing %s: %w", what, err)
}
