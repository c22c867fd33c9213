package job

import (
	"context"
	"io"
	"syscall"
)

// Runner runs one expanded command. Every backend implements it; the
// scheduler drives it with a context whose cancellation stops the job.
type Runner interface {
	Run(ctx context.Context, t *Task) Outcome
}

// Task is one attempt of a job on a slot.
type Task struct {
	Job  *Job // the job to run
	Slot int  // the worker slot, 1..N ({%}, PMAP_SLOT)
	// Command is the job expanded for Slot; a backend may change it on the
	// way (a launcher's prefix, {host} expanded again per host).
	Command Command
	// Stdout and Stderr receive the job's output: capture buffers, or live
	// writers with --line-buffer and --ungroup, which need closing
	// (CloseWriters) once the last attempt is done.
	Stdout, Stderr io.Writer
	// Begin, set by the scheduler for a Pipeliner, is called by the runner
	// when the job's turn comes on its slot (the jobs ahead of it there
	// have ended): the job's start time and its --timeout clock count from
	// then, not from the time it was queued. It is nil for other runners.
	Begin func()
	// Queued, set by the scheduler for a Pipeliner, is called by the
	// runner once the job is queued on its slot: the next job of the slot
	// is queued after it, so that a slot's worker gets its records in
	// input order. The scheduler also calls it when the attempt ends.
	Queued func()
}

// Pipeliner is a Runner that keeps several jobs of one slot in flight at
// once (persistent workers take records while they work on earlier ones):
// the scheduler gives each slot up to Window jobs at a time, all with the
// same slot number, and sets Task.Begin for each.
type Pipeliner interface {
	Runner
	// Window is how many jobs a slot may hold at once, at least 1.
	Window() int
}

// CloseWriters closes the task's writers that need it, once its last
// attempt is done: a live writer (--line-buffer) writes a final partial
// line at Close. Runners that copy a process's output close them as the
// copy ends; the others call this.
func (t *Task) CloseWriters() {
	for _, w := range []io.Writer{t.Stdout, t.Stderr} {
		if c, ok := w.(io.Closer); ok {
			c.Close()
		}
	}
}

// Outcome is what a Runner observed.
type Outcome struct {
	Status Status // how the job ended
	Exit   int    // exit code; -1 when killed by a signal or never started
	Signal string // signal name (SIGSEGV) when killed by a signal
	Err    error  // why the job failed, nil when ok
	// Stopped is set when the job was still running when ctx was done and
	// was sent the termination sequence.
	Stopped bool
	// Host is where the job ran ("" = this machine).
	Host string
	// Slurm is the Slurm step that ran the job, JOBID.STEPID ("" when it
	// did not run as a step, or the step never started).
	Slurm string
	// Retried counts attempts the runner made itself before this outcome
	// (a job moved off a failed remote host); they add to the record's
	// attempts.
	Retried int
	// Abort, when set, stops the whole run: nothing can run any more (every
	// remote host is down). Jobs not run get skipped records with this error.
	Abort error
	// Retryable marks an error (StatusError) that another attempt need not
	// meet: the persistent worker that held the job died, and a new one
	// takes the retry. --retries applies to it as to a failed job; other
	// errors (not found, a bad record) would only fail again.
	Retryable bool
}

// KillAll sends sig at once to every running job of r, when r can (the
// second Ctrl-C): runners that keep process groups implement
// KillAll(syscall.Signal), and runners that wrap one pass it on.
func KillAll(r Runner, sig syscall.Signal) {
	if k, ok := r.(interface{ KillAll(syscall.Signal) }); ok {
		k.KillAll(sig)
	}
}

// Close ends r's long-lived state (persistent workers, ssh masters) when
// the run is over; runners without any have nothing to close.
func Close(r Runner) error {
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
