package exec

import (
	"context"
	"sync/atomic"

	"github.com/pmap-dev/pmap/exec/job"
)

// When the slots take their own jobs (pull.go) and the jobs are short,
// the reader reads ahead of them in bursts. With a queue of a job or two
// per slot, a reader faster than the jobs found it full at every job, and
// each job a slot took woke the reader for one more: a goroutine hand-off
// per job, often to the other CPU, which for short jobs (an in-process
// `echo`) cost more than the job. After a short job (shortJob), the
// reader fills a deep queue, then waits until the slots have taken half
// of it: one wake-up for half a queue. After a longer one it keeps to a
// job or two per slot, as before: nothing is gained by reading far ahead
// of jobs that take milliseconds, and a stop (Ctrl-C, SIGHUP) then leaves
// the records not yet needed unread, to be resumed from the input.

// readAheadJobs is the most jobs the reader of a pulled run queues.
const readAheadJobs = 256

// readAheadBytes is the most bytes of records and --pipe blocks the
// reader queues beyond a job or two per slot: long records are not read
// far ahead of the jobs that need them, so that memory stays as small
// as with the short queue.
const readAheadBytes = 1 << 20

// readAhead is the reader's account of what it queued for the slots.
type readAhead struct {
	min     int          // jobs the reader may always queue (2 a slot)
	deep    atomic.Bool  // the last job was short: read far ahead
	bytes   atomic.Int64 // bytes queued
	waiting atomic.Bool  // the reader waits for room
	room    chan struct{}
}

func newReadAhead(workers int) *readAhead {
	return &readAhead{min: 2 * workers, room: make(chan struct{}, 1)}
}

// size is what a queued job counts for: its records and its stdin block.
func size(j *job.Job) int64 {
	var n int64
	for _, r := range j.Records {
		n += int64(len(r.Raw))
	}
	return n + int64(len(j.Stdin))
}

// ran is called by a slot after each job: a short one lets the reader
// read far ahead, a longer one keeps it near.
func (ra *readAhead) ran(r *job.Result) {
	if s := short(r); ra.deep.Load() != s {
		ra.deep.Store(s)
	}
}

// full reports whether the reader waits before queueing more, with n
// jobs queued.
func (ra *readAhead) full(n, capacity int) bool {
	if n >= ra.min && !ra.deep.Load() {
		return true
	}
	return n >= capacity || n >= ra.min && ra.bytes.Load() >= readAheadBytes
}

// low reports whether the reader, waiting, may go on: half of a deep
// queue is free, or a job of a near one was taken.
func (ra *readAhead) low(n, capacity int) bool {
	if !ra.deep.Load() {
		return n < ra.min
	}
	return n <= capacity/2 && ra.bytes.Load() <= readAheadBytes/2
}

// send queues j, first waiting for room when the queue is full. It
// returns false, j not queued, when the run stops while it waits.
func (ra *readAhead) send(ctx context.Context, drain <-chan struct{}, queue chan<- *job.Job, j *job.Job) bool {
	capacity := cap(queue)
	if ra.full(len(queue), capacity) {
		ra.waiting.Store(true)
		// The slots may have made room before they could see the flag.
		if ra.low(len(queue), capacity) && ra.waiting.CompareAndSwap(true, false) {
			// Go on.
		} else {
			select {
			case <-ra.room:
			case <-ctx.Done():
				return false
			case <-drain:
				return false
			}
		}
	}
	ra.bytes.Add(size(j))
	queue <- j // only the reader sends: there is room
	return true
}

// taken is called by a slot for each job it takes from queue: it wakes
// the reader once the queue is low.
func (ra *readAhead) taken(j *job.Job, queue <-chan *job.Job) {
	ra.bytes.Add(-size(j))
	if ra.waiting.Load() && ra.low(len(queue), cap(queue)) && ra.waiting.CompareAndSwap(true, false) {
		ra.room <- struct{}{}
	}
}
