package output

import (
	"fmt"
	"io"
	"slices"
)

// HeldBuffer keeps the lines of a job that may not be written yet
// (--line-buffer -k): a spool buffer, which spills to disk past the run's
// memory budget.
type HeldBuffer interface {
	io.Writer
	io.WriterTo
	Release()
}

// liveOrder puts --line-buffer output in input order with -k, as GNU
// parallel does: the lines of the oldest job not yet written out (the
// head) go out as they come; a later job's lines are held until every
// earlier job has ended, then go out at once, and its later lines as they
// come. Lines never mix, and the order is that of the input. One
// liveOrder serves one sink and is guarded by that sink's mu: a job's
// lines and the head moving on are ordered under one lock.
type liveOrder struct {
	head int64                // the job whose lines go out as they come
	step int64                // from one job of the run to the next (--shard)
	held map[int64]HeldBuffer // the later jobs' lines, by job number
	hold func() HeldBuffer
}

// newLiveOrder returns the liveOrder of a run whose jobs are first,
// first+step, ... (1, 2, 3 ... but for a --shard).
func newLiveOrder(hold func() HeldBuffer, first, step int64) *liveOrder {
	return &liveOrder{head: first, step: step, held: make(map[int64]HeldBuffer), hold: hold}
}

// dest is where job seq's lines go now: the sink for the head, a buffer
// for a later job. The caller holds s.mu.
func (o *liveOrder) dest(s *sink, seq int64) io.Writer {
	if seq <= o.head {
		return s
	}
	b, ok := o.held[seq]
	if !ok {
		b = o.hold()
		o.held[seq] = b
	}
	return b
}

// advance is called once job done's result has been written, in input
// order: the next job becomes the head, and what it wrote so far goes out.
func (o *liveOrder) advance(s *sink, done int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := o.release(s, done) // held only when a run's results have gaps
	o.head = max(o.head, done+o.step)
	if e := o.release(s, o.head); err == nil {
		err = e
	}
	s.flush()
	return err
}

// end writes whatever is still held, in job order (a run whose results
// ended with gaps).
func (o *liveOrder) end(s *sink) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for _, seq := range slices.Sorted(func(yield func(int64) bool) {
		for k := range o.held {
			if !yield(k) {
				return
			}
		}
	}) {
		if e := o.release(s, seq); err == nil {
			err = e
		}
	}
	s.flush()
	return err
}

// release writes out job seq's held lines, if any. The caller holds s.mu.
func (o *liveOrder) release(s *sink, seq int64) error {
	b, ok := o.held[seq]
	if !ok {
		return nil
	}
	delete(o.held, seq)
	defer b.Release()
	if _, err := b.WriteTo(s); err != nil {
		return fmt.Errorf("job %d's held output: %w", seq, err)
	}
	return nil
}
