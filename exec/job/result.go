package job

import (
	"errors"
	"time"

	"github.com/pmap-dev/pmap/exec/spool"
)

// Result is everything known about a finished job: what a result record,
// a joblog line, the summary and the progress display are made of.
type Result struct {
	Job     *Job    // the job this is the result of
	Command Command // what ran, or would have run (skipped jobs)
	Slot    int     // the worker slot; 0 for a job that never got one
	Host    string  // where it ran ("" = this machine)
	Slurm   string  // the Slurm step that ran it, JOBID.STEPID; "" for none
	Status  Status  // how it ended
	Exit    int     // exit code; -1 when killed by a signal or never started
	Signal  string  // signal name (SIGSEGV) when killed by a signal
	Err     error   // why the job failed, nil when ok
	// Attempts counts the attempts made, --retries and moves off a failed
	// remote host included; 0 when the job never ran.
	Attempts int
	Start    time.Time     // when the last attempt started
	Duration time.Duration // how long the last attempt ran
	// Stdout and Stderr hold the captured output; nil when output went
	// straight through (--line-buffer, --ungroup).
	Stdout, Stderr *spool.Buffer
	// Passed counts the bytes of standard output that went straight on
	// while the job ran, rather than into Stdout (output.Writer.Stream);
	// Stdout.Len() + Passed is all it wrote.
	Passed int64
	// Batch, when not nil, makes r the result of a run of consecutive
	// jobs that all succeeded, in input order (a Batcher's block): Job is
	// Batch[0], Stdout holds their answers in order, and nothing else is
	// kept per job. The scheduler sends them only to a consumer that asked
	// for them (exec.Engine.Batch).
	Batch []*Job
}

// Reasons a job did not run or was stopped; they are the Err (wrapped) of
// its Result, so that sinks can tell them apart with errors.Is.
var (
	// ErrTimeout: the job ran past --timeout.
	ErrTimeout = errors.New("timed out")
	// ErrHalted: a --halt policy stopped the run before or while the job ran.
	ErrHalted = errors.New("stopped by --halt")
	// ErrNotNeeded: a --halt success/done policy was met; the job was not
	// needed. It is not a failure.
	ErrNotNeeded = errors.New("not run: the --halt condition was met")
	// ErrResumed: the joblog shows the job already ran (--resume). It is not
	// a failure.
	ErrResumed = errors.New("already ran (--resume)")
	// ErrFailedEarlier comes with ErrResumed when the job failed in the run
	// that logged it: --failed lists it again, so that the file still names
	// every failure after a resumed run.
	ErrFailedEarlier = errors.New("it failed then (--resume-failed runs it again)")
	// ErrDuplicateKey: an earlier job has the job's key, in output keyed
	// by name (--format map, object). The job does not run, and keyed
	// output leaves it out, since its key is taken.
	ErrDuplicateKey = errors.New("duplicate key")
)

// OK reports whether the job succeeded.
func (r *Result) OK() bool { return r.Status == StatusOK }

// Failed reports whether r counts as a failure of the run: it did not
// succeed, and it was not skipped because it had already run or was no
// longer needed.
func (r *Result) Failed() bool {
	return r.Status != StatusOK && !errors.Is(r.Err, ErrResumed) && !errors.Is(r.Err, ErrNotNeeded)
}

// OutputErr returns why the output captured of r is not whole (the spill
// file could not be written), or nil.
func (r *Result) OutputErr() error {
	if err := r.Stdout.Err(); err != nil {
		return err
	}
	return r.Stderr.Err()
}

// Release frees the result's output buffers once they are written.
func (r *Result) Release() {
	r.Stdout.Release()
	r.Stderr.Release()
}

// Jobs is how many jobs r is the result of: 1, or len(Batch).
func (r *Result) Jobs() int {
	if r.Batch != nil {
		return len(r.Batch)
	}
	return 1
}

// Last is the last job r is the result of: Job, or the last of Batch.
func (r *Result) Last() *Job {
	if r.Batch != nil {
		return r.Batch[len(r.Batch)-1]
	}
	return r.Job
}
