package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"mvdan.cc/sh/v3/interp"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
)

// ipSlot is one worker slot's interpreter, reset for every job rather than
// built anew, and the goroutine it runs on: a slot runs one job at a time.
type ipSlot struct {
	runner *interp.Runner
	env    ipEnv
	stdout gate
	stderr gate
	job    ipJob // the state of jobs without background statements
	data   template.Data
	busy   bool

	// The job handed to the slot's goroutine, and its outcome.
	start chan struct{}
	done  chan struct{}
	ctx   context.Context
	task  *job.Task
	out   job.Outcome
}

// slot returns slot n's interpreter, creating it on first use.
func (ip *InProcess) slot(n int) (*ipSlot, error) {
	ip.slotMu.Lock()
	if ip.closed {
		ip.slotMu.Unlock()
		return nil, errClosed
	}
	s := ip.slots[n]
	if s != nil && !s.busy {
		s.busy = true
		ip.slotMu.Unlock()
		return s, nil
	}
	ip.slotMu.Unlock()
	// First use, or a caller that runs two jobs on one slot at once: a
	// new interpreter, kept only when the slot has none.
	s = &ipSlot{busy: true, start: make(chan struct{}), done: make(chan struct{})}
	s.env = ipEnv{base: ip.base, slot: strconv.Itoa(n)}
	r, err := interp.New(
		interp.Env(&s.env),
		interp.StdIO(nil, &s.stdout, &s.stderr),
		interp.ExecHandlers(ip.execMiddleware),
		interp.OpenHandler(ip.openFile),
		interp.StatHandler(ip.statFile),
	)
	if err != nil {
		return nil, fmt.Errorf("in-process shell: %w", err)
	}
	s.runner = r
	go s.loop(ip)
	ip.slotMu.Lock()
	if ip.slots == nil {
		ip.slots = map[int]*ipSlot{}
	}
	if ip.slots[n] == nil {
		ip.slots[n] = s
	} else {
		ip.spare = append(ip.spare, s) // closed with the others
	}
	ip.slotMu.Unlock()
	return s, nil
}

func (ip *InProcess) release(s *ipSlot) {
	ip.slotMu.Lock()
	s.busy = false
	ip.slotMu.Unlock()
}

// errClosed is what a job gets after the backend was closed.
var errClosed = errors.New("in-process shell: closed")

// Close ends the slots' goroutines once the run is over.
func (ip *InProcess) Close() error {
	ip.slotMu.Lock()
	defer ip.slotMu.Unlock()
	if ip.closed {
		return nil
	}
	ip.closed = true
	for _, s := range ip.slots {
		close(s.start)
	}
	for _, s := range ip.spare {
		close(s.start)
	}
	if ip.devNull != nil {
		ip.devNull.Close()
	}
	return nil
}

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
