package exec

import (
	"context"
	"sync"

	"github.com/pmap-dev/pmap/exec/job"
)

// This file is the run of jobs whose slots take their next job from the
// reader's queue themselves, once free, rather than from Run's loop: a
// short job (an in-process `echo`) costs less than the two goroutine
// hand-offs that loop adds to each job (free slot in, job out). The rules
// are Run's loop's: jobs 1 to N start on slots 1 to N, in that order; a
// stop (a cancelled context, Drain) starts no more jobs and reports every
// job read by then as skipped; once a --halt policy is met, each job left
// is skipped.

// pulls reports whether the run's slots take their jobs themselves: each
// holds one job at a time (not a job.Pipeliner's window), no throttle
// spaces the starts (--delay, --load, --memfree wait in Run's loop), and
// the slots do not take blocks (batch.go; even with a window of one).
func (e *Engine) pulls() bool {
	return e.window() == 1 && e.Throttle == nil && e.batcher() == nil
}

// ResultRoom is the room of the results channel a caller gives Run: a
// slot that takes its own jobs hands on up to holdMax results at once
// (hold.go), and with less room it would wait for the consumer, and wake
// it, at each one. (The jobs' output is in the spool either way, within
// its budget.)
func (e *Engine) ResultRoom() int {
	return min(max(e.Workers, 1)*holdMax, 4096)
}

// puller is the state the slots of a pulled run share.
type puller struct {
	e     *Engine
	ctx   context.Context // the run's context (a stop cancels it)
	queue <-chan *job.Job
	ra    *readAhead // the reader's account: told of each job taken
	// Slot k+1 starts once slot k has taken its first job, so that a run
	// of few jobs starts few goroutines whatever the worker count, and
	// allFirst is closed once the last slot has taken its first (or a
	// slot found none): no slot takes its second job before.
	allFirst chan struct{}
	allOnce  sync.Once
	wg       sync.WaitGroup

	mu     sync.Mutex
	taken  *sync.Cond // signalled as taking falls to 0, on mu
	taking int        // slots between taking a job and seeing a stop
	stop   bool       // the run stopped: no slot takes a job any more
	left   []*job.Job // taken when the run had stopped, not started
}

// pull runs the jobs of queue, as Run's loop would; held and readErr are
// the reader's, read once it has ended.
func (e *Engine) pull(ctx, runCtx context.Context, queue <-chan *job.Job, ra *readAhead, held **job.Job, readErr *error, results chan<- *job.Result) error {
	p := &puller{e: e, ctx: ctx, queue: queue, ra: ra, allFirst: make(chan struct{})}
	p.taken = sync.NewCond(&p.mu)
	p.start(runCtx, 1, results)
	ended := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-ctx.Done():
	case <-e.Drain:
	}
	if ctx.Err() == nil && !drained(e.Drain) {
		<-ended
		// The queue is closed and drained: the reader has finished.
		return *readErr
	}
	// Running jobs go on to their end (or their stop); the jobs read but
	// not started are reported now, as Run's loop does.
	left := p.halt()
	e.reportLeft(ctx, append(left, e.unqueue(queue, held)...), results)
	<-ended
	return nil
}

// halt stops the slots from taking jobs and returns the jobs they took
// once the run had stopped, when no slot is taking one any more.
func (p *puller) halt() []*job.Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stop = true
	for p.taking > 0 {
		p.taken.Wait()
	}
	left := p.left
	p.left = nil
	return left
}

// start starts slot's goroutine.
func (p *puller) start(ctx context.Context, slot int, results chan<- *job.Result) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.slot(ctx, slot, results)
	}()
}

// slot runs the jobs slot takes, on one goroutine, until the queue ends
// or the run stops.
func (p *puller) slot(ctx context.Context, slot int, results chan<- *job.Result) {
	e := p.e
	h := &resultHold{out: results}
	defer h.flush()
	for n := 0; ; n++ {
		if n == 1 {
			<-p.allFirst
		}
		if len(p.queue) == 0 {
			h.flush() // nothing held while the slot waits
		}
		j, ok := p.take()
		if n == 0 {
			if ok && slot < e.Workers {
				p.start(ctx, slot+1, results)
			} else {
				p.allOnce.Do(func() { close(p.allFirst) })
			}
		}
		if !ok {
			return
		}
		var r *job.Result
		if drained(e.halted) {
			r = e.skipped(j)
		} else {
			r = e.run(ctx, j, slot, nil)
		}
		p.ra.ran(r)
		h.pass(r, len(p.queue) > 0)
	}
}

// take returns the next job, or false once the queue has ended or the run
// has stopped; a job taken as the run stopped is kept in p.left.
func (p *puller) take() (*job.Job, bool) {
	e := p.e
	p.mu.Lock()
	if p.stop {
		p.mu.Unlock()
		return nil, false
	}
	p.taking++
	p.mu.Unlock()
	var j *job.Job
	var ok bool
	// A job at hand is taken without a select over the stops, which
	// costs more; a stop is seen below either way.
	select {
	case j, ok = <-p.queue:
	default:
		select {
		case j, ok = <-p.queue:
		case <-p.ctx.Done():
		case <-e.Drain:
		}
	}
	if ok {
		p.ra.taken(j, p.queue)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.taking--
	if p.taking == 0 {
		p.taken.Broadcast()
	}
	if p.ctx.Err() != nil || drained(e.Drain) {
		if ok {
			p.left = append(p.left, j)
		}
		return nil, false
	}
	return j, ok
}
