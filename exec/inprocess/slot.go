package inprocess

import (
	"errors"
	"fmt"
	"strconv"

	"mvdan.cc/sh/v3/interp"

	"github.com/pmap-dev/pmap/exec/template"
)

// slot is one worker slot's interpreter, reset between jobs (when a job
// could have changed it) rather than built anew: a slot runs one job at a
// time.
type slot struct {
	runner *interp.Runner
	env    slotEnv
	stdout gate
	stderr gate
	job    jobState // the state of jobs without background statements
	data   template.Data
	busy   bool
	// clean is set when the interpreter is as its last Reset left it: the
	// last job was stateless and ended well.
	clean bool
	// stdinSet is set while the interpreter reads a job's stdin pipe.
	stdinSet bool
}

// acquire returns slot n's interpreter, marked busy until release,
// creating it on first use.
func (ip *InProcess) acquire(n int) (*slot, error) {
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
	s = &slot{busy: true}
	s.env = slotEnv{base: ip.base, slot: strconv.Itoa(n)}
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
	ip.slotMu.Lock()
	if ip.slots == nil {
		ip.slots = map[int]*slot{}
	}
	if ip.slots[n] == nil {
		ip.slots[n] = s
	} else {
		ip.spare = append(ip.spare, s) // closed with the others
	}
	ip.slotMu.Unlock()
	return s, nil
}

// release frees s for the slot's next job.
func (ip *InProcess) release(s *slot) {
	ip.slotMu.Lock()
	s.busy = false
	ip.slotMu.Unlock()
}

// errClosed is what a job gets after the backend was closed.
var errClosed = errors.New("in-process shell: closed")

// Close ends the backend once the run is over: later jobs fail.
func (ip *InProcess) Close() error {
	ip.slotMu.Lock()
	defer ip.slotMu.Unlock()
	if ip.closed {
		return nil
	}
	ip.closed = true
	if ip.devNull != nil {
		ip.devNull.Close()
	}
	return nil
}
