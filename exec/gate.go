package exec

import (
	"errors"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// The start gate makes --halt exact: once the job that meets the policy
// has ended, no job starts, not even one a slot had already taken from the
// queue. A job's start and another's end are ordered under one lock (mu):
// begin takes a job's start time there, and ended takes an attempt's end
// time there and holds the gate shut (judging) until finish has counted
// the result, or settle has let it go for a retry. So every job that
// starts has a start time before the end of the job that met the policy;
// none starts in the moment between that job's end and its count.

// begin lets r's attempt start, taking its start time, unless a --halt
// policy has been met. It first waits for every ended attempt to be
// judged: one of them may be the one that meets it.
func (e *Engine) begin(r *job.Result) bool {
	if !e.gated() {
		// No result can stop the run: nothing to order (an abort
		// closes halted on its own, and the next start sees it).
		if drained(e.halted) {
			return false
		}
		r.Start = time.Now()
		return true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.judging > 0 {
		e.judged.Wait()
	}
	if drained(e.halted) {
		return false
	}
	r.Start = time.Now()
	return true
}

// gated reports whether starts are ordered against ends: only a --halt
// policy needs it, and a run without one saves the locks.
func (e *Engine) gated() bool { return e.Halt.Kind != HaltNever }

// ended marks r's attempt as over, at its end time (its duration, when it
// ran; its start, for a job that could not start), and shuts the gate
// until the result is judged (finish or settle).
func (e *Engine) ended(r *job.Result, ran bool) {
	if e.gated() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.judging++
	}
	if ran {
		r.Duration = time.Since(r.Start)
	} else {
		r.Start = time.Now()
	}
}

// hold shuts the gate for a result whose end time is already taken (a
// retry that did not start), until finish counts it.
func (e *Engine) hold() {
	if e.gated() {
		e.mu.Lock()
		e.judging++
		e.mu.Unlock()
	}
}

// settle lets the gate open again for an attempt that is not its job's
// last (a retry follows).
func (e *Engine) settle() {
	if e.gated() {
		e.mu.Lock()
		e.judging--
		e.judged.Broadcast()
		e.mu.Unlock()
	}
}

// finish counts r for --halt, shutting the gate for good when the policy
// is met, and reopens it for the jobs waiting there. It returns r.
func (e *Engine) finish(r *job.Result) *job.Result {
	if errors.Is(r.Err, job.ErrResumed) {
		return r
	}
	e.mu.Lock()
	if e.gated() {
		e.judging--
		e.judged.Broadcast()
	}
	e.stats.done++
	if r.Status == job.StatusOK {
		e.stats.succeeded++
	} else {
		e.stats.failed++
	}
	first := false
	if e.Halt.reached(e.stats) {
		e.haltOnce.Do(func() {
			close(e.halted)
			first = true
		})
	}
	e.mu.Unlock()
	if first && e.Halt.Now {
		e.stopNow(job.ErrHalted)
	}
	return r
}
