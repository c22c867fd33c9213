package exec

import (
	"context"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec/job"
)

// PipeRunner wraps the Runner of a --pipe run so that a job drops its block
// once its last attempt has run. Ordered output keeps finished results until
// the jobs before them finish: without this, one slow job would keep every
// block read after it in memory, and the input would not stay bounded.
type PipeRunner struct {
	// Runner runs the jobs.
	Runner job.Runner
	// Retries is the Engine's: a job that failed keeps its block for the
	// attempts it has left.
	Retries int

	mu       sync.Mutex
	attempts map[*job.Job]int // attempts run so far, for jobs that may retry
}

// Run implements job.Runner. The wrapped runner gets its own copy of the job,
// because its goroutines may still read the block after Run returns (a job
// that exited without reading its stdin).
func (p *PipeRunner) Run(ctx context.Context, t *job.Task) job.Outcome {
	p.mu.Lock()
	j := *t.Job
	n := p.attempts[t.Job] + 1
	p.mu.Unlock()
	task := *t
	task.Job = &j
	out := p.Runner.Run(ctx, &task)

	// The Engine runs another attempt only after a failure, and at most
	// Retries more; a job that could not start is not retried either.
	last := out.Status == job.StatusOK || out.Status == job.StatusError || n > p.Retries
	p.mu.Lock()
	if last {
		t.Job.Stdin = nil
		delete(p.attempts, t.Job)
	} else {
		if p.attempts == nil {
			p.attempts = make(map[*job.Job]int)
		}
		p.attempts[t.Job] = n
	}
	p.mu.Unlock()
	return out
}

// KillAll passes the second Ctrl-C on to the wrapped runner.
func (p *PipeRunner) KillAll(sig syscall.Signal) { job.KillAll(p.Runner, sig) }

// Close closes the wrapped runner when it is an io.Closer (long-lived
// workers end with the run).
func (p *PipeRunner) Close() error { return job.Close(p.Runner) }
