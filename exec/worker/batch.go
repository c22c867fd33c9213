package worker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// batch is a block of records run by RunBatch: its records are pending
// entries of one array, queued on the slot like any record, and it ends
// once each is answered or has failed.
type batch struct {
	out     job.BatchOut
	retries int
	timeout time.Duration
	left    int           // records not yet resolved; on the slot's mu
	done    chan struct{} // closed once left is 0
}

// resolved counts one more record of the batch resolved; s.mu is held.
func (bt *batch) resolved() {
	bt.left--
	if bt.left == 0 {
		close(bt.done)
	}
}

// again reports whether e, which failed with o, gets another attempt
// (--retries): as the scheduler retries a job, except that a batch never
// waits between attempts.
func (bt *batch) again(e *pending, o job.Outcome) bool {
	return e.attempts <= bt.retries && o.Abort == nil && e.ctx.Err() == nil &&
		(o.Status != job.StatusError || o.Retryable)
}

// lineRecord fails a record that holds a newline, which a worker would
// read as two: bad says it does, o is its failure.
func lineRecord(rec string) (o job.Outcome, bad bool) {
	if strings.IndexByte(rec, '\n') < 0 {
		return job.Outcome{}, false
	}
	return job.Outcome{Status: job.StatusError, Exit: -1, Err: errors.New("the record holds a newline: a worker reads one line per record")}, true
}

// RunBatch implements job.Batcher: it queues the batch's records on slot
// b.Slot's worker, in order, and returns once each has been answered or
// has failed. Answers go to b.Out as the reader matches them, with no
// channel or goroutine per record; a record's failures go through the same
// paths as a job's of its own (Run), and --retries re-runs it in place.
func (p *Persistent) RunBatch(ctx context.Context, b *job.Batch) {
	bt := &batch{out: b.Out, retries: b.Retries, timeout: b.Timeout, done: make(chan struct{})}
	drain := job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: b.DrainCause, Stopped: true}
	drained := false
	select {
	case <-b.Drain:
		drained = true
	default:
	}
	pend := make([]pending, len(b.Records))
	s := p.slot(b.Slot)
	s.mu.Lock()
	for i, rec := range b.Records {
		e := &pend[i]
		// Field by field: the array is new, and zero already.
		e.rec, e.ctx, e.batch, e.idx, e.attempts = rec, ctx, bt, i, 1
		o, bad := lineRecord(rec)
		switch {
		case bad:
			bt.out.Failed(i, o, nil)
			e.state = resolved
		case ctx.Err() != nil:
			bt.out.Failed(i, notStarted(ctx), nil)
			e.state = resolved
		case drained:
			bt.out.Failed(i, drain, nil)
			e.state = resolved
		default:
			s.queue = append(s.queue, e)
			bt.left++
		}
	}
	if bt.left == 0 {
		close(bt.done)
	}
	s.more.Signal()
	s.mu.Unlock()
	if b.Queued != nil {
		b.Queued()
	}
	select {
	case <-bt.done:
		return
	case <-ctx.Done():
	case <-b.Drain:
		// SIGHUP: a record not yet sent does not start; those sent
		// finish as usual (or are stopped below, should ctx end).
		s.mu.Lock()
		s.unqueue(bt, drain)
		s.mu.Unlock()
		select {
		case <-bt.done:
			return
		case <-ctx.Done():
		}
	}
	// Stopped: a record not yet sent is not; a worker holding one is
	// stopped, and its reader settles what it held (broke).
	s.mu.Lock()
	s.unqueue(bt, notStarted(ctx))
	for i := range pend {
		if e := &pend[i]; e.state == sent && e.w != nil {
			e.w.halt()
		}
	}
	s.mu.Unlock()
	<-bt.done
}

// unqueue takes the records of bt not yet sent off the slot's queue, each
// failing with o; s.mu is held.
func (s *slot) unqueue(bt *batch, o job.Outcome) {
	s.queue = slices.DeleteFunc(s.queue, func(e *pending) bool {
		if e.batch == bt {
			s.resolve(e, o)
			return true
		}
		return false
	})
}

// armClock makes sure the worker's clock runs: it fires at the latest
// after d, when tick looks at the record then oldest. s.mu is held.
func (s *slot) armClock(w *worker, d time.Duration) {
	if w.clockSet {
		return
	}
	w.clockSet = true
	if w.clock == nil {
		w.clock = time.AfterFunc(d, func() { s.tick(w) })
		return
	}
	w.clock.Reset(d)
}

// tick stops the worker when its oldest record has run past its batch's
// timeout, and otherwise sets the clock for that record's deadline: one
// timer per worker, set again only when it fires, rather than one per
// record.
func (s *slot) tick(w *worker) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.clockSet = false
	if w.broken || w.stopping || len(w.inflight) == 0 {
		return
	}
	h := w.inflight[0]
	if h.batch == nil || h.batch.timeout <= 0 || !h.begun {
		return
	}
	if left := h.batch.timeout - time.Since(h.begunAt); left > 0 {
		s.armClock(w, left)
		return
	}
	h.timedOut = true
	w.halt()
}
