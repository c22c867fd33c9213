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
}
