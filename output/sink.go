// Package output renders what exec returns: job output grouped per job in
// input or completion order, tagged lines, result records, and the summary.
package output

import (
	"errors"
	"io"
	"sync"
	"syscall"
)

// sink is one of pmap's own output streams, shared by every job. It
// serialises writes and notices when the reader went away (`| head -1`), so
// that the run can stop quietly instead of failing on every later write.
type sink struct {
	mu       sync.Mutex
	w        io.Writer
	broken   bool
	onBroken func()
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
	if s.onBroken != nil && (errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)) {
		s.onBroken()
	}
}

// Write implements io.Writer for use as a copy destination; the caller holds mu.
func (s *sink) Write(p []byte) (int, error) {
	s.write(p)
	return len(p), nil
}

// flush flushes w when it buffers.
func (s *sink) flush() {
	if f, ok := s.w.(interface{ Flush() error }); ok && !s.broken {
		if err := f.Flush(); err != nil {
			s.fail(err)
		}
	}
}
