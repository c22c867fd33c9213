package exec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// readGrace is how long a stopped run waits for a read in progress to
// end, so that a record being read from a file is reported rather than
// left unread. A read that blocks on a pipe or a terminal is not waited
// for: what it returns later counts as input left unread.
const readGrace = 200 * time.Millisecond

// errDrained is the cause of a Drain without a DrainCause.
var errDrained = errors.New("no new jobs")

// Left reports what a stop (a cancelled context or Drain) left undone:
// how many jobs that were read got a skipped record instead of running,
// and whether input was left unread. Both are zero after a run that read
// its input to the end and started every job.
func (e *Engine) Left() (notStarted int, unread bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.left, !e.readAll
}

// unqueue takes the jobs the reader had queued, and the one it held when
// the run stopped, once it has ended (within readGrace).
func (e *Engine) unqueue(queue <-chan *job.Job, held **job.Job) []*job.Job {
	var jobs []*job.Job
	grace := time.NewTimer(readGrace)
	defer grace.Stop()
	for {
		select {
		case j, ok := <-queue:
			if !ok {
				// The reader has returned: held is its last word.
				if *held != nil {
					jobs = append(jobs, *held)
				}
				return jobs
			}
			jobs = append(jobs, j)
		case <-grace.C:
			return jobs
		}
	}
}

// drainCause is why Drain closed: DrainCause, or errDrained.
func (e *Engine) drainCause() error {
	if e.DrainCause == nil {
		return errDrained
	}
	return e.DrainCause
}

// keptFromStarting counts n more jobs a stop kept from starting (Left):
// those reported here, and a block's records that SIGHUP kept from its
// worker (batch.go).
func (e *Engine) keptFromStarting(n int) {
	e.mu.Lock()
	e.left += n
	e.mu.Unlock()
}

// reportLeft sends a skipped result for each job a stop kept from
// starting, so that it is in the records, the summary and --failed.
func (e *Engine) reportLeft(ctx context.Context, left []*job.Job, results chan<- *job.Result) {
	cause := e.drainCause()
	if ctx.Err() != nil {
		cause = context.Cause(ctx)
	}
	e.keptFromStarting(len(left))
	for _, j := range left {
		r := &job.Result{Job: j, Status: job.StatusSkipped, Exit: -1, Err: fmt.Errorf("not started: %w", cause), Start: time.Now()}
		if j.Err == nil {
			r.Command, _ = e.Expand.Command(j, 0) // what would have run, for the record
		}
		results <- r
	}
}
