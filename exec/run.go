package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/spool"
)

// Engine runs jobs on a fixed set of worker slots.
type Engine struct {
	// Workers is the number of slots; slot numbers are 1..Workers and a slot
	// runs one job at a time, so {%} is stable and never shared.
	Workers int
	Runner  Runner
	Expand  *Expander
	// Spool holds captured output.
	Spool *spool.Spool
	// Live, when set, gives the writers a job's output goes to while it runs
	// (--line-buffer, --ungroup); output is then not captured.
	Live func(j *Job, slot int) (stdout, stderr io.Writer)
	// OnStart is called before a job's process starts (-v).
	OnStart func(r *Result)
	// Drain, when closed, stops starting jobs while running ones finish
	// (SIGHUP).
	Drain <-chan struct{}
}

// Run reads jobs and sends one Result per job to results, then returns once
// every started job has ended. It does not close results. Cancelling ctx
// stops starting jobs and stops running ones; jobs not started are not
// reported. The error is a failure to read input.
func (e *Engine) Run(ctx context.Context, jobs *JobSource, results chan<- *Result) error {
	queue := make(chan *Job, 2*e.Workers)
	var readErr error
	go func() {
		defer close(queue)
		for {
			j, err := jobs.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return
			}
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			case <-e.Drain:
				return
			}
		}
	}()

	// Free slots, lowest first at the start: job 1 runs on slot 1, as in
	// GNU parallel, and a slot is reused only once its job has ended.
	free := make(chan int, e.Workers)
	for slot := 1; slot <= e.Workers; slot++ {
		free <- slot
	}
	var wg sync.WaitGroup
	for {
		var slot int
		select {
		case slot = <-free:
		case <-ctx.Done():
		case <-e.Drain:
		}
		if slot == 0 {
			break
		}
		var j *Job
		var ok bool
		select {
		case j, ok = <-queue:
		case <-ctx.Done():
		case <-e.Drain:
		}
		if !ok || ctx.Err() != nil || drained(e.Drain) {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- e.run(ctx, j, slot)
			free <- slot
		}()
	}
	wg.Wait()
	if ctx.Err() != nil || drained(e.Drain) {
		return nil
	}
	// The queue is closed and drained: the reader has finished.
	return readErr
}

func (e *Engine) run(ctx context.Context, j *Job, slot int) *Result {
	r := &Result{Job: j, Slot: slot, Attempts: 1, Exit: -1, Start: time.Now()}
	if j.Err != nil {
		r.Status, r.Err = StatusError, j.Err
		return r
	}
	cmd, err := e.Expand.Command(j, slot)
	r.Command = cmd
	if err != nil {
		r.Status, r.Err = StatusError, fmt.Errorf("template: %w", err)
		return r
	}
	if e.OnStart != nil {
		e.OnStart(r)
	}
	t := &Task{Job: j, Slot: slot, Command: cmd}
	if e.Live != nil {
		t.Stdout, t.Stderr = e.Live(j, slot)
	} else {
		r.Stdout, r.Stderr = e.Spool.NewBuffer(), e.Spool.NewBuffer()
		t.Stdout, t.Stderr = r.Stdout, r.Stderr
	}
	out := e.Runner.Run(ctx, t)
	r.Duration = time.Since(r.Start)
	r.Status, r.Exit, r.Signal, r.Err = out.Status, out.Exit, out.Signal, out.Err
	if r.Status == StatusOK {
		r.Exit = 0
	}
	if out.Stopped && r.Status != StatusOK {
		r.Err = fmt.Errorf("stopped (%v): %w", context.Cause(ctx), r.Err)
	}
	return r
}

func drained(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
