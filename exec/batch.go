package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// The batch path: a job.Batcher's slot takes blocks of jobs (input order)
// rather than a job at a time, and the jobs of a block that succeed come
// back as one Result (Result.Batch) holding their answers in order. A
// Result of its own is made only for a job that fails. It saves what a
// job costs the scheduler when the job itself is a line written to a
// worker: a goroutine, a Result, two buffers, a command expanded, a turn.

// blockTurns is how many blocks a slot holds at once on the batch path:
// one answered while the next waits, so that the worker never waits for
// the scheduler.
const blockTurns = 2

// maxBlock bounds a block's jobs.
const maxBlock = 1024

// batcher returns the runner as a job.Batcher when the run takes the batch
// path: the caller asked for it (Batch) and the runner is one.
func (e *Engine) batcher() job.Batcher {
	if !e.Batch {
		return nil
	}
	b, _ := e.Runner.(job.Batcher)
	return b
}

// blockSize is how many jobs a block holds for a window of w: a few
// windows, so that the scheduler's cost per block is spread over many
// jobs while the worker holds no more than its window at once.
func blockSize(w int) int { return min(max(4*w, 16), maxBlock) }

// gather returns j and the jobs that follow it already read, up to size:
// a block never waits for input, and takes no more than its share of what
// is read, so that a short input still spreads over the slots.
func gather(j *job.Job, queue <-chan *job.Job, size, workers int) []*job.Job {
	size = min(size, (len(queue)+workers)/workers)
	blk := make([]*job.Job, 1, size)
	blk[0] = j
	for len(blk) < size {
		select {
		case j, ok := <-queue:
			if !ok {
				return blk
			}
			blk = append(blk, j)
		default:
			return blk
		}
	}
	return blk
}

// runBlock runs the jobs of a block on slot through b and sends their
// results in input order: a Result per run of jobs that succeeded, and
// one per job that did not.
func (e *Engine) runBlock(ctx context.Context, b job.Batcher, jobs []*job.Job, slot int, tn *turn, results chan<- *job.Result) {
	defer tn.done()
	o := &blockOut{e: e, ctx: ctx, jobs: jobs, slot: slot, fails: map[int]*job.Result{}}
	recs := make([]string, 0, len(jobs))
	for i, j := range jobs {
		if j.Err != nil || len(j.Records) != 1 {
			if o.index == nil {
				o.index = make([]int, len(recs), len(jobs))
				for k := range o.index {
					o.index[k] = k
				}
			}
			o.early(i)
			continue
		}
		recs = append(recs, j.Records[0].Raw)
		if o.index != nil {
			o.index = append(o.index, i)
		}
	}
	tn.wait()
	o.start = time.Now()
	if drained(e.halted) {
		// The run was aborted while the block waited for its turn: a job
		// that could not run says why, as on the per-job path.
		for i, j := range jobs {
			if r, ok := o.fails[i]; ok {
				results <- r
				continue
			}
			results <- e.skipped(j)
		}
		return
	}
	b.RunBatch(ctx, &job.Batch{Slot: slot, Records: recs, Out: o, Retries: e.Retries, Timeout: e.Timeout.Fixed, Queued: tn.done,
		Drain: e.Drain, DrainCause: e.drainCause()})
	for _, r := range o.finish() {
		results <- r
	}
}

// blockOut is a block's job.BatchOut: it cuts the answers into Results,
// a run of answered jobs into one, at each job that failed.
type blockOut struct {
	e     *Engine
	ctx   context.Context
	jobs  []*job.Job
	index []int // the batch's record k is jobs[index[k]]; nil: k itself
	slot  int
	start time.Time

	mu       sync.Mutex
	next     int // the first job not yet answered or failed in order
	segFirst int // the first job of the run being answered
	buf      []byte
	stdout   *spool.Buffer // the run's answers, past buf
	fails    map[int]*job.Result
	out      []*job.Result
}

// flushAt is how many bytes of answers a block keeps before it writes
// them to its spool buffer.
const flushAt = 32 << 10

func (o *blockOut) at(k int) int {
	if o.index == nil {
		return k
	}
	return o.index[k]
}

// Answer implements job.BatchOut.
func (o *blockOut) Answer(k int, line []byte) {
	i := o.at(k)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reach(i)
	o.buf = append(o.buf, line...)
	o.next = i + 1
	if len(o.buf) >= flushAt {
		o.flush()
	}
}

// Failed implements job.BatchOut.
func (o *blockOut) Failed(k int, out job.Outcome, partial []byte) {
	i := o.at(k)
	r := o.failure(o.jobs[i], out, partial)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fails[i] = r
}

// early fails job i, which cannot go to a worker: a job that cannot run
// (a malformed record), or one of several records.
func (o *blockOut) early(i int) {
	j := o.jobs[i]
	r := &job.Result{Job: j, Slot: o.slot, Status: job.StatusError, Exit: -1, Err: j.Err, Start: time.Now()}
	if j.Err == nil {
		r.Err = fmt.Errorf("a worker takes one record per job, this job has %d", len(j.Records))
		r.Command, _ = o.e.Expand.Command(j, o.slot)
	}
	o.fails[i] = r
}

// failure is the Result of job j whose last attempt ended with out.
func (o *blockOut) failure(j *job.Job, out job.Outcome, partial []byte) *job.Result {
	e := o.e
	r := &job.Result{Job: j, Slot: o.slot, Exit: -1, Start: o.start, Attempts: 1 + out.Retried}
	r.Command, _ = e.Expand.Command(j, o.slot)
	r.Duration = time.Since(o.start)
	if len(partial) > 0 {
		r.Stdout = e.Spool.NewBuffer()
		_, _ = r.Stdout.Write(partial)
		if err := r.Stdout.Err(); err != nil {
			r.Release()
			r.Stdout = nil
			out.Status, out.Err, out.Stopped = job.StatusError, fmt.Errorf("its output was lost: %w", err), false
		}
	}
	if out.Abort != nil {
		e.abort(out.Abort)
	}
	r.Status, r.Exit, r.Signal, r.Err = out.Status, out.Exit, out.Signal, out.Err
	if out.Stopped {
		cause := context.Cause(o.ctx)
		if errors.Is(out.Err, job.ErrTimeout) || o.ctx.Err() == nil {
			cause = out.Err // its timeout, or the Drain (SIGHUP) that kept it from starting
		}
		e.stopped(r, cause)
		if o.ctx.Err() == nil && r.Status == job.StatusSkipped {
			e.keptFromStarting(1)
		}
	}
	return r
}

// reach moves next up to job i, every job before it having failed: the
// run answered so far ends, and each failure follows it. o.mu is held.
func (o *blockOut) reach(i int) {
	for o.next < i {
		r, ok := o.fails[o.next]
		if !ok {
			// The runner broke its word; the job is not dropped.
			r = &job.Result{Job: o.jobs[o.next], Slot: o.slot, Status: job.StatusError, Exit: -1, Start: o.start,
				Err: errors.New("the worker gave no answer for the record")}
		}
		delete(o.fails, o.next)
		o.cut()
		o.out = append(o.out, r)
		o.next++
		o.segFirst = o.next
	}
}

// flush moves buf to the run's spool buffer. o.mu is held.
func (o *blockOut) flush() {
	if len(o.buf) == 0 {
		return
	}
	if o.stdout == nil {
		o.stdout = o.e.Spool.NewBuffer()
	}
	_, _ = o.stdout.Write(o.buf)
	o.buf = o.buf[:0]
}

// cut ends the run of answered jobs before next with its Result. o.mu is
// held.
func (o *blockOut) cut() {
	if o.next == o.segFirst {
		return
	}
	o.flush()
	run := o.jobs[o.segFirst:o.next:o.next]
	if err := o.stdout.Err(); err != nil {
		// The answers could not all be kept: each job says so, rather
		// than pass part of the output for the whole.
		o.stdout.Release()
		for _, j := range run {
			o.out = append(o.out, &job.Result{Job: j, Slot: o.slot, Status: job.StatusError, Exit: -1, Start: o.start,
				Attempts: 1, Err: fmt.Errorf("its output was lost: %w", err)})
		}
	} else {
		o.out = append(o.out, &job.Result{Job: run[0], Batch: run, Slot: o.slot, Status: job.StatusOK,
			Start: o.start, Duration: time.Since(o.start), Attempts: 1, Stdout: o.stdout})
	}
	o.stdout = nil
	o.segFirst = o.next
}

// finish returns the block's results in input order, once every job has
// been answered or has failed, and counts them.
func (o *blockOut) finish() []*job.Result {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reach(len(o.jobs))
	o.cut()
	ok, failed := 0, 0
	for _, r := range o.out {
		if r.Status == job.StatusOK {
			ok += r.Jobs()
		} else {
			failed++
		}
	}
	o.e.mu.Lock()
	o.e.stats.done += ok + failed
	o.e.stats.succeeded += ok
	o.e.stats.failed += failed
	o.e.mu.Unlock()
	return o.out
}
