package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// giveUp is the second Ctrl-C's hold on the output: once it is given up,
// the output still to be written is not written, even a write to stdout
// that blocks, so that pmap exits at once.
type giveUp struct {
	done  chan struct{} // closed when the output is given up
	once  sync.Once
	cause error // set before done closes
}

func newGiveUp() *giveUp { return &giveUp{done: make(chan struct{})} }

// now gives the output up for the second sig.
func (g *giveUp) now(sig syscall.Signal) {
	g.once.Do(func() {
		g.cause = fmt.Errorf("output not written: stopped by a second %s", unix.SignalName(sig))
		close(g.done)
	})
}

// err is why the output was given up, nil while it goes on (output's
// Options.Stop).
func (g *giveUp) err() error {
	select {
	case <-g.done:
		return g.cause
	default:
		return nil
	}
}

// errOutputGivenUp is what a write to stdout returns once the user gave the
// output up (a second Ctrl-C).
var errOutputGivenUp = errors.New("stdout: output given up")

// stdoutWriter writes to stdout from a goroutine of its own, so that a
// write that blocks (a reader that stopped reading, a terminal held by
// Ctrl-S) can be given up: once giveUp is closed, the blocked Write
// returns and every later one fails at once, and pmap exits with that
// write still pending. Writes come one at a time (the output sinks hold
// their lock).
type stdoutWriter struct {
	w      io.Writer
	giveUp <-chan struct{}
	req    chan []byte
	res    chan writeResult
	start  sync.Once
	end    sync.Once
	err    error
}

type writeResult struct {
	n   int
	err error
}

// newStdoutWriter returns a writer to w that gives up when giveUp closes.
func newStdoutWriter(w io.Writer, giveUp <-chan struct{}) *stdoutWriter {
	// res holds one result, so that a write given up does not keep its
	// goroutine from ending once it completes.
	return &stdoutWriter{w: w, giveUp: giveUp, req: make(chan []byte), res: make(chan writeResult, 1)}
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.start.Do(func() {
		go func() {
			for p := range s.req {
				n, err := s.w.Write(p)
				s.res <- writeResult{n, err}
			}
		}()
	})
	select {
	case s.req <- p:
	case <-s.giveUp:
		s.err = errOutputGivenUp
		return 0, s.err
	}
	select {
	case r := <-s.res:
		return r.n, r.err
	case <-s.giveUp:
		// p stays with the pending write: nothing writes to stdout any
		// more, and its owners (bufio's buffer, a spool chunk) never
		// reuse it once the write has failed.
		s.err = errOutputGivenUp
		return 0, s.err
	}
}

// Close ends the writing goroutine once no more writes come.
func (s *stdoutWriter) Close() error {
	s.end.Do(func() { close(s.req) })
	return nil
}
