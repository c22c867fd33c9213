package inprocess

import (
	"errors"
	"io"
	"sync"

	"github.com/pmap-dev/pmap/exec/proc"
)

// errJobEnded is what a write gets after its job ended: a statement left
// running in the background cannot write into the next job's output.
var errJobEnded = errors.New("the job has ended")

// gateBuffer is how much output a job's builtins may hold before it goes
// to the job's writer: builtins write in small pieces (echo writes its
// words and the newline apart), and each write to the output costs more.
const gateBuffer = 16 << 10

// gate passes writes to the current job's stdout or stderr. Background
// statements and pipelines write from several goroutines at once, and the
// job's buffers are not safe for that; after the job, writes fail.
type gate struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

func (g *gate) open(w io.Writer) {
	g.mu.Lock()
	g.w, g.err = w, nil
	g.mu.Unlock()
}

// close writes what is held and detaches the job's writer.
func (g *gate) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	err := g.flushLocked()
	g.w = nil
	return err
}

// flush writes what is held, so that output appears before an external
// command's (--line-buffer shows it as it comes).
func (g *gate) flush() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.flushLocked()
}

func (g *gate) flushLocked() error {
	if len(g.buf) == 0 || g.w == nil {
		return g.err
	}
	if g.err == nil {
		_, g.err = g.w.Write(g.buf)
	}
	g.buf = g.buf[:0]
	return g.err
}

// WriteString implements io.StringWriter: builtins write strings, which
// Write would need converted (copied) first.
func (g *gate) WriteString(p string) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return 0, errJobEnded
	}
	if len(g.buf)+len(p) > gateBuffer {
		if err := g.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > gateBuffer {
			if _, g.err = io.WriteString(g.w, p); g.err != nil {
				return 0, g.err
			}
			return len(p), nil
		}
	}
	g.buf = append(g.buf, p...)
	return len(p), nil
}

// Write implements io.Writer.
func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return 0, errJobEnded
	}
	if len(g.buf)+len(p) > gateBuffer {
		if err := g.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > gateBuffer {
			if _, g.err = g.w.Write(p); g.err != nil {
				return 0, g.err
			}
			return len(p), nil
		}
	}
	g.buf = append(g.buf, p...)
	return len(p), nil
}

// ReadFromPipe (proc.PipeWriter) lets the job's writer take a command's
// output pipe itself, after what the gate holds.
func (g *gate) ReadFromPipe(fd int) (int64, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	pw, ok := g.w.(proc.PipeWriter)
	if !ok || g.flushLocked() != nil {
		return 0, false, nil // Write takes it, or fails as it should
	}
	return pw.ReadFromPipe(fd)
}
