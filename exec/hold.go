package exec

import (
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// A slot that takes its own jobs (pull.go) hands the results of short jobs
// to the consumer a few at a time rather than one by one. Each hand-off
// wakes the consumer's goroutine, most often on the other CPU: for a job
// of a few microseconds (an in-process `echo`) the wake-up cost more than
// the job, and the run spent its time waking goroutines instead of running
// jobs (200,000 in-process `echo {}` on 2 CPUs: 0.88-0.95 s one by one,
// 0.59-0.63 s held; the notes of this file's commit have the runs).

// shortJob is the longest job whose result may be held back, and that
// lets the reader read far ahead (readahead.go): a job that takes longer
// is worth a hand-off of its own, and its result goes on at once (a
// process per job takes a millisecond or more).
const shortJob = 100 * time.Microsecond

// short reports whether r's job was short (shortJob).
func short(r *job.Result) bool { return r.Duration < shortJob }

// holdMax is the most results a slot holds back at once.
const holdMax = 64

// holdFor is the longest a result is held back: a slot whose next job
// turns out long hands on what it holds when this has passed, rather than
// at the job's end. The consumer flushes stdout no more often than every
// 2 ms anyway (output's flushEvery), so nobody sees the wait.
const holdFor = time.Millisecond

// resultHold holds back one slot's results for the consumer.
type resultHold struct {
	out   chan<- *job.Result
	after time.Duration // how long a result is held: holdFor when 0
	mu    sync.Mutex    // held, and a hand-off in progress
	held  []*job.Result
	timer *time.Timer // hands on what is held after holdFor
}

// pass hands r on, with what is held before it, or holds it back when
// its job was short and the slot has another job at hand (more, true): the
// slot then does not wait, so what it holds goes on within holdFor or
// holdMax results.
func (h *resultHold) pass(r *job.Result, more bool) {
	if !more || !short(r) {
		h.mu.Lock()
		h.send()
		h.out <- r
		h.mu.Unlock()
		return
	}
	h.mu.Lock()
	h.held = append(h.held, r)
	switch {
	case len(h.held) >= holdMax:
		h.send()
	case len(h.held) == 1:
		if h.after == 0 {
			h.after = holdFor
		}
		if h.timer == nil {
			h.timer = time.AfterFunc(h.after, h.flush)
		} else {
			h.timer.Reset(h.after)
		}
	}
	h.mu.Unlock()
}

// flush hands on what is held: before the slot waits for a job, when it
// ends, and when holdFor has passed.
func (h *resultHold) flush() {
	h.mu.Lock()
	h.send()
	h.mu.Unlock()
}

// send hands on what is held, on h.mu.
func (h *resultHold) send() {
	if len(h.held) == 0 {
		return
	}
	if h.timer != nil {
		h.timer.Stop() // a timer that fires anyway finds nothing held
	}
	for i, r := range h.held {
		h.out <- r
		h.held[i] = nil
	}
	h.held = h.held[:0]
}
