package exec

import (
	"context"
	"io"
)

// Runner runs one expanded command. Every backend implements it; the
// scheduler drives it with a context whose cancellation stops the job.
type Runner interface {
	Run(ctx context.Context, t *Task) Outcome
}

// Task is one attempt of a job on a slot.
type Task struct {
	Job     *Job
	Slot    int
	Command Command
	Stdout  io.Writer
	Stderr  io.Writer
}

// Outcome is what a Runner observed.
type Outcome struct {
	Status Status
	Exit   int
	Signal string
	Err    error
	// Stopped is set when the job was still running when ctx was done and
	// was sent the termination sequence.
	Stopped bool
	// Host is where the job ran ("" = this machine).
	Host string
	// Retried counts attempts the runner made itself before this outcome
	// (a job moved off a failed remote host); they add to the record's
	// attempts.
	Retried int
	// Abort, when set, stops the whole run: nothing can run any more (every
	// remote host is down). Jobs not run get skipped records with this error.
	Abort error
}
