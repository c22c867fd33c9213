package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// Engine runs jobs on a fixed set of worker slots.
type Engine struct {
	// Workers is the number of slots; slot numbers are 1..Workers and a slot
	// runs one job at a time (a job.Pipeliner's, its window of jobs on its
	// one worker), so {%} is stable and never shared.
	Workers int
	// Runner is the backend that runs each attempt of a job.
	Runner job.Runner
	// Expand makes each job's command for its slot.
	Expand *job.Expander
	// Spool holds captured output.
	Spool *spool.Spool
	// Live, when set, gives the writers a job's output goes to while it runs
	// (--line-buffer, --ungroup); output is then not captured.
	Live func(j *job.Job, slot int) (stdout, stderr io.Writer)
	// Stream, when set (and Live is not), gives the writers a job's output
	// goes to in front of its spool buffers, r.Stdout and r.Stderr: the job
	// first in output order may pass its output straight on rather than
	// spool it (output.Writer.Stream).
	Stream func(r *job.Result) (stdout, stderr io.Writer)
	// OnStart is called before a job's process starts (-v).
	OnStart func(r *job.Result)
	// Drain, when closed, stops starting jobs while running ones finish
	// (SIGHUP).
	Drain <-chan struct{}
	// DrainCause says why Drain closed, in the records of the jobs it kept
	// from starting ("not started: SIGHUP").
	DrainCause error

	// Timeout stops a job that runs too long (--timeout).
	Timeout Timeout
	// Retries is how many more attempts a failed job gets.
	Retries int
	// RetryDelay is the wait before the first retry, doubled before each
	// next one.
	RetryDelay time.Duration
	// Halt stops the run on a condition (--halt).
	Halt Halt
	// Skip reports whether a job with this command already ran (--resume),
	// and whether it failed then; it is asked once per job.
	Skip func(cmd job.Command) (ran, failed bool)
	// Throttle, when set, is called before each job starts and returns when
	// it may start (--delay, --load, --memfree); it returns early with
	// ctx's error.
	Throttle func(ctx context.Context) error
	// Batch lets a job.Batcher's slots take blocks of jobs (batch.go):
	// the jobs of a block that succeed come as one Result (Result.Batch)
	// and only a job that fails has its own. The caller sets it only for
	// a run whose consumer takes such results and needs nothing of a job
	// that succeeded but its output, in order; the engine then leaves
	// aside Live, Stream, OnStart, Skip, Throttle and a percentage
	// Timeout, which the caller does not set with it.
	Batch bool

	runtimes runtimes
	watches  watches // running attempts under a percentage --timeout
	mu       sync.Mutex
	stats    haltStats
	readAll  bool // the input was read to its end
	halted   chan struct{}
	haltOnce sync.Once
	judging  int        // ended attempts not yet counted for --halt (gate.go)
	judged   *sync.Cond // signalled as judging falls, on mu
	stopNow  context.CancelCauseFunc
	abortErr error
	left     int // jobs read but kept from starting by a stop
}

// Aborted returns the error that stopped the run when a runner could not
// go on (Outcome.Abort), or nil.
func (e *Engine) Aborted() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.abortErr
}

// abort stops the run for err: no more jobs start, running ones are stopped.
func (e *Engine) abort(err error) {
	e.mu.Lock()
	if e.abortErr == nil {
		e.abortErr = err
	}
	e.mu.Unlock()
	e.haltOnce.Do(func() {
		close(e.halted)
		e.stopNow(err)
	})
}

// Read reports how many jobs have been read so far, and whether that is
// all of them (the input was read to its end), for a progress display.
func (e *Engine) Read() (n int, all bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats.read, e.readAll
}

// Halted reports whether a --halt policy stopped the run, and whether that
// policy counts failures (exit status 1) rather than successes or jobs done.
func (e *Engine) Halted() (halted, onFailure bool) {
	if e.halted == nil || !drained(e.halted) {
		return false, false
	}
	return true, e.Halt.Kind == HaltFail
}

// Run reads jobs and sends one Result per job to results, then returns once
// every started job has ended. It does not close results.
//
// Cancelling ctx (a signal, a closed stdout) stops starting jobs and stops
// running ones, and closing Drain stops starting jobs; every job read by
// then is still reported, those that did not start as skipped (with the
// stop's cause), and no more input is read (Left). A --halt policy stops
// starting jobs too, but every job of the input is still reported: those
// that did not run as skipped. The error is a failure to read input.
func (e *Engine) Run(ctx context.Context, jobs *JobSource, results chan<- *job.Result) error {
	e.halted = make(chan struct{})
	e.judged = sync.NewCond(&e.mu)
	runCtx, stopNow := context.WithCancelCause(ctx)
	defer stopNow(nil)
	e.stopNow = stopNow

	queued := 2 * e.Workers
	batcher := e.batcher()
	var block int
	if batcher != nil {
		// Enough read ahead for every slot's blocks.
		block = blockSize(e.window())
		queued = e.Workers * blockTurns * block
	}
	var ra *readAhead
	if e.pulls() {
		queued = max(queued, readAheadJobs)
		ra = newReadAhead(e.Workers)
	}
	queue := make(chan *job.Job, queued)
	var readErr error
	var held *job.Job // read when the run stopped, not queued
	go e.read(ctx, jobs, queue, ra, &held, &readErr)

	if ra != nil {
		return e.pull(ctx, runCtx, queue, ra, &held, &readErr, results)
	}

	// Free slots, lowest first at the start: job 1 runs on slot 1, as in
	// GNU parallel, and a slot is reused only once its job has ended. A
	// Pipeliner's slot takes up to its window of jobs at once, handed out
	// round the slots so that a short input still spreads over them.
	window := e.window()
	if batcher != nil {
		window = blockTurns // a slot holds blockTurns blocks, each a turn
	}
	free := make(chan int, e.Workers*window)
	for range window {
		for slot := 1; slot <= e.Workers; slot++ {
			free <- slot
		}
	}
	// A Pipeliner's slot gets its jobs' records in input order: each job
	// waits for the one before it on its slot to be queued (turns).
	var turns []chan struct{}
	if window > 1 {
		turns = make([]chan struct{}, e.Workers+1)
	}
	var wg sync.WaitGroup
	// Each slot runs its jobs on one goroutine, started with its first
	// job: a goroutine per job would start with a small stack and grow it
	// again for every job (template expansion and the in-process shell
	// need a deep one), which costs more than a short job itself.
	slots := make([]chan *job.Job, e.Workers+1)
	defer func() {
		for _, c := range slots {
			if c != nil {
				close(c)
			}
		}
	}()
	var left []*job.Job // read, then kept from starting by a stop
	for {
		var j *job.Job
		var ok bool
		select {
		case j, ok = <-queue:
		case <-ctx.Done():
		case <-e.Drain:
		}
		if ok && (ctx.Err() != nil || drained(e.Drain)) {
			left = append(left, j)
		}
		if !ok || ctx.Err() != nil || drained(e.Drain) {
			break
		}
		var slot int
		select {
		case slot = <-free:
		case <-e.halted:
		case <-ctx.Done():
		case <-e.Drain:
		}
		if ctx.Err() != nil || drained(e.Drain) {
			left = append(left, j)
			break
		}
		if slot != 0 && e.Throttle != nil && !drained(e.halted) {
			if err := e.Throttle(ctx); err != nil {
				left = append(left, j)
				break
			}
		}
		if drained(e.halted) {
			if slot != 0 {
				free <- slot
			}
			r := e.skipped(j)
			results <- r
			continue
		}
		var tn *turn
		if turns != nil {
			tn = &turn{prev: turns[slot], mine: make(chan struct{})}
			turns[slot] = tn.mine
		}
		wg.Add(1)
		if batcher != nil {
			blk := gather(j, queue, block, e.Workers)
			go func() {
				defer wg.Done()
				e.runBlock(runCtx, batcher, blk, slot, tn, results)
				free <- slot
			}()
			continue
		}
		if tn != nil {
			// A Pipeliner's slot holds a window of jobs, each waiting
			// on its own goroutine for its answer.
			go func() {
				defer wg.Done()
				r := e.run(runCtx, j, slot, tn)
				results <- r
				free <- slot
			}()
			continue
		}
		if slots[slot] == nil {
			// Unbuffered: a slot is handed a job only once it is free.
			c := make(chan *job.Job)
			slots[slot] = c
			go e.slotLoop(runCtx, slot, c, results, free, &wg)
		}
		slots[slot] <- j
	}
	if ctx.Err() != nil || drained(e.Drain) {
		e.reportLeft(ctx, append(left, e.unqueue(queue, &held)...), results)
		wg.Wait()
		return nil
	}
	wg.Wait()
	// The queue is closed and drained: the reader has finished.
	return readErr
}

// slotLoop runs the jobs handed to slot until jobs is closed.
func (e *Engine) slotLoop(ctx context.Context, slot int, jobs <-chan *job.Job, results chan<- *job.Result, free chan<- int, wg *sync.WaitGroup) {
	for j := range jobs {
		r := e.run(ctx, j, slot, nil)
		results <- r
		free <- slot
		wg.Done()
	}
}

// window is how many jobs a slot holds at once: 1, or a Pipeliner's
// Window.
func (e *Engine) window() int {
	if p, ok := e.Runner.(job.Pipeliner); ok {
		return max(p.Window(), 1)
	}
	return 1
}

// skipped is the result of a job that a --halt policy kept from running.
func (e *Engine) skipped(j *job.Job) *job.Result {
	err := job.ErrHalted
	if e.Halt.Kind != HaltFail {
		err = job.ErrNotNeeded
	}
	if a := e.Aborted(); a != nil {
		err = fmt.Errorf("not run: %w", a)
	}
	r := &job.Result{Job: j, Status: job.StatusSkipped, Exit: -1, Err: err, Start: time.Now()}
	if j.Err == nil {
		r.Command, _ = e.Expand.Command(j, 0) // what would have run, for the record
	}
	return r
}

// turn orders a Pipeliner's jobs on a slot: a job's first attempt is
// queued once the job before it on the slot (prev) has been queued or has
// ended, and mine is closed once this one has.
type turn struct {
	prev, mine chan struct{}
	once       sync.Once
}

// done lets the next job on the slot queue its record.
func (tn *turn) done() {
	if tn != nil {
		tn.once.Do(func() { close(tn.mine) })
	}
}

// wait returns once the job before this one on the slot was queued, the
// first time it is called.
func (tn *turn) wait() {
	if tn != nil && tn.prev != nil {
		<-tn.prev
		tn.prev = nil
	}
}

func (e *Engine) run(ctx context.Context, j *job.Job, slot int, tn *turn) *job.Result {
	r := &job.Result{Job: j, Slot: slot, Exit: -1, Start: time.Now()}
	defer tn.done()
	if j.Err != nil {
		r.Status, r.Err = job.StatusError, j.Err
		e.ended(r, false)
		return e.finish(r)
	}
	cmd, err := e.Expand.Command(j, slot)
	r.Command = cmd
	if err != nil {
		r.Status, r.Err = job.StatusError, fmt.Errorf("template: %w", err)
		e.ended(r, false)
		return e.finish(r)
	}
	if e.Skip != nil {
		if ran, failed := e.Skip(cmd); ran {
			r.Status, r.Err = job.StatusSkipped, job.ErrResumed
			if failed {
				r.Err = fmt.Errorf("%w; %w", job.ErrResumed, job.ErrFailedEarlier)
			}
			return r
		}
	}
	if !e.begin(r) {
		// The policy was met while this job waited for its slot: it
		// does not start, as if it had never left the queue.
		return e.skipped(j)
	}
	if e.OnStart != nil {
		e.OnStart(r)
	}
	delay := e.RetryDelay
	for attempt := 1; ; attempt++ {
		r.Attempts = attempt
		retryable := e.attempt(ctx, r, tn)
		if r.Status == job.StatusOK || (r.Status == job.StatusError && !retryable) || attempt > e.Retries || ctx.Err() != nil {
			break
		}
		// Not this job's last word: jobs waiting at the gate may go on.
		e.settle()
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
			delay *= 2
		}
		if ctx.Err() != nil || !e.begin(r) {
			// A retry is a start like any other: not after a stop. The
			// last attempt's failure is the job's result.
			e.hold()
			break
		}
	}
	if r.Status == job.StatusOK && e.Timeout.Percent > 0 {
		// Only a percentage --timeout reads the runtimes: the slots need
		// not share a lock for each job otherwise.
		e.runtimes.add(r.Duration)
		e.rearm() // a new median moves the limit of running jobs
	}
	return e.finish(r)
}

// attempt runs the job once, filling r. It reports whether an error
// (StatusError) may be retried (Outcome.Retryable).
func (e *Engine) attempt(ctx context.Context, r *job.Result, tn *turn) (retryable bool) {
	r.Release() // a retry keeps only the last attempt's output
	t := &job.Task{Job: r.Job, Slot: r.Slot, Command: r.Command}
	if tn != nil {
		t.Queued = tn.done
		tn.wait()
	}
	if e.Live != nil {
		t.Stdout, t.Stderr = e.Live(r.Job, r.Slot)
	} else {
		r.Stdout, r.Stderr = e.Spool.NewBuffer(), e.Spool.NewBuffer()
		t.Stdout, t.Stderr = r.Stdout, r.Stderr
		if e.Stream != nil {
			t.Stdout, t.Stderr = e.Stream(r)
		}
	}
	jobCtx, begin, stop := e.limit(ctx)
	defer stop()
	if _, ok := e.Runner.(job.Pipeliner); ok {
		// The job may wait behind others on its slot: its time, and its
		// --timeout clock, start when the runner says its turn has come.
		t.Begin = func() {
			r.Start = time.Now()
			begin(r.Start)
		}
	} else {
		begin(r.Start)
	}
	out := e.Runner.Run(jobCtx, t)
	e.ended(r, true)
	r.Host = out.Host
	r.Slurm = out.Slurm
	r.Attempts += out.Retried
	if out.Abort != nil {
		e.abort(out.Abort)
	}
	r.Status, r.Exit, r.Signal, r.Err = out.Status, out.Exit, out.Signal, out.Err
	if err := r.OutputErr(); err != nil {
		// The job ran, but pmap could not keep all it wrote: its record
		// says so, rather than pass part of its output for the whole.
		r.Release()
		r.Status, r.Err = job.StatusError, fmt.Errorf("its output was lost: %w", err)
		return
	}
	if r.Status == job.StatusOK {
		r.Exit = 0
		return false
	}
	if !out.Stopped {
		return out.Retryable
	}
	e.stopped(r, context.Cause(jobCtx))
	return false
}

// stopped fills in r, a job pmap stopped for cause (its --timeout, a
// --halt policy, a signal): it says why, rather than blame the job.
func (e *Engine) stopped(r *job.Result, cause error) {
	switch {
	case errors.Is(cause, job.ErrTimeout):
		r.Status, r.Err = job.StatusTimeout, cause
	case errors.Is(cause, job.ErrHalted) && e.Halt.Kind != HaltFail:
		r.Status, r.Err = job.StatusSkipped, fmt.Errorf("%w (stopped with %s)", job.ErrNotNeeded, r.Signal)
	case errors.Is(cause, job.ErrHalted):
		r.Status, r.Err = job.StatusSkipped, fmt.Errorf("%w now (sent %s)", job.ErrHalted, r.Signal)
	case r.Status == job.StatusSkipped && r.Signal == "":
		r.Err = fmt.Errorf("not started: %w", cause) // the runner saw the stop first
	case r.Signal == "":
		r.Status, r.Err = job.StatusSkipped, fmt.Errorf("%w (the job then ended: %v)", cause, r.Err)
	default:
		r.Status, r.Err = job.StatusSkipped, fmt.Errorf("%w (sent %s)", cause, r.Signal)
	}
	r.Exit = -1
}

func drained(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
