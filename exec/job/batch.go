package job

import (
	"context"
	"time"
)

// Batcher is a Pipeliner that also takes a block of one-record jobs at
// once (persistent workers): the scheduler hands a slot a Batch rather than
// a job at a time, and builds a Result per job only for the jobs that do
// not succeed. The output of the jobs that do comes back as one stream.
type Batcher interface {
	Pipeliner
	// RunBatch runs every job of b on slot b.Slot, in order, and returns
	// once each has been answered (BatchOut.Answer) or has failed
	// (BatchOut.Failed). Cancelling ctx stops the batch: jobs not yet
	// sent fail as not started, and a worker holding one is stopped.
	RunBatch(ctx context.Context, b *Batch)
}

// Batch is a block of consecutive one-record jobs (input order) for a
// Batcher's slot.
type Batch struct {
	Slot int
	// Records are the jobs' records, one line each, in job order.
	Records []string
	// Out receives what each job yields.
	Out BatchOut
	// Retries is how many more attempts a job gets after one that failed
	// (--retries): the runner retries in place, before the jobs behind it
	// are answered, so that answers stay in order.
	Retries int
	// Timeout, when above 0, stops a job that runs longer (a fixed
	// --timeout), counted from its turn on the slot.
	Timeout time.Duration
	// Queued is called once every job of the batch is queued on the slot:
	// the slot's next batch may queue behind it.
	Queued func()
	// Drain, when closed, keeps the jobs not yet sent to the worker from
	// starting (SIGHUP): each fails as not started, with Stopped set and
	// DrainCause as its error, while those sent finish as usual.
	Drain      <-chan struct{}
	DrainCause error
}

// BatchOut receives the jobs of a Batch as they end. For every job there
// is exactly one call: Answer or Failed; the runner makes them in job
// order, except that Failed may come early for a job that never reached
// the worker. Calls for one batch are never concurrent.
type BatchOut interface {
	// Answer gives job i's answer: its output, whole.
	Answer(i int, out []byte)
	// Failed says job i did not succeed: its last attempt's outcome
	// (Retried counts the attempts before it) and what it wrote of an
	// answer before it failed.
	Failed(i int, o Outcome, partial []byte)
}
