package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

// slot is one slot's pipeline: the records its jobs queued, the worker
// they are sent to, and the writer goroutine that sends them. Every field
// but buf is guarded by mu; so are the worker's inflight, answered,
// broken, stopping and closing.
type slot struct {
	p *Persistent
	n int

	mu   sync.Mutex
	more *sync.Cond // the writer waits on it for queued records
	// queue holds the records waiting to be sent, in the order their jobs
	// came.
	queue []*pending
	w     *worker // nil until a record needs one, and after it ended
	// unread counts the workers in a row that ended before reading the
	// record they were sent.
	unread int
	closed bool
	// gaveUp is set once the slot's worker cannot start (or keeps ending
	// before reading a record): the run is being aborted, and the records
	// still queued wait for their jobs to be stopped rather than start
	// another worker.
	gaveUp     bool
	writerDone chan struct{}
	// low is the low-water mark: records are sent while the worker holds
	// no more than this many, so that a busy worker gets the next ones
	// in batches of about half the window, and an idle one at once.
	low int
	buf []byte // the writer's batch, reused
}

// pending is one record on its way through a slot: queued, sent to a
// worker, then resolved (answered, failed or stopped).
type pending struct {
	rec    string
	ctx    context.Context
	stdout io.Writer
	begin  func() // job.Task.Begin, or nil
	begun  bool

	state pendState
	// start and end are the offsets of the record's line in what was
	// written to its worker's stdin.
	start, end int64
	w          *worker
	// own is the job of its own the record is (Run); nil in a batch.
	own *single

	// batch is the batch the record belongs to (RunBatch), nil for a
	// job of its own; idx is its index there, attempts counts its
	// attempts so far (from 1), begunAt is when its turn came (with a
	// batch timeout), timedOut is set once it ran past it, and partial
	// is what it wrote of an answer when it failed.
	batch    *batch
	idx      int
	attempts int
	begunAt  time.Time
	timedOut bool
	partial  []byte
}

// single is a record sent as a job of its own (Run): its pending entry,
// and the outcome its job waits for. A batch's records need neither, and
// are smaller without them.
type single struct {
	pending
	out  job.Outcome
	done chan struct{} // closed once out is set
}

// pendState is where a pending record is.
type pendState uint8

const (
	queued pendState = iota
	sent
	resolved
)

// maxKeptBatch is the largest batch buffer a slot keeps for the next
// batch: a window of very long records does not stay in memory.
const maxKeptBatch = 1 << 20

// newSlot returns slot n and starts its writer.
func newSlot(p *Persistent, n int) *slot {
	s := &slot{p: p, n: n, writerDone: make(chan struct{}), low: p.Window() / 2}
	s.more = sync.NewCond(&s.mu)
	go s.write()
	return s
}

// submit queues rec for the slot's worker and waits for its outcome. A
// stop (ctx) drops a record not yet sent, and stops the worker that holds
// it.
func (s *slot) submit(ctx context.Context, t *job.Task, rec string) job.Outcome {
	one := &single{done: make(chan struct{})}
	one.pending = pending{rec: rec, ctx: ctx, stdout: t.Stdout, begin: t.Begin, own: one}
	e := &one.pending
	s.mu.Lock()
	s.queue = append(s.queue, e)
	s.more.Signal()
	s.mu.Unlock()
	if t.Queued != nil {
		t.Queued()
	}
	select {
	case <-one.done:
		return one.out
	case <-ctx.Done():
	}
	s.mu.Lock()
	switch e.state {
	case queued:
		s.queue = slices.DeleteFunc(s.queue, func(x *pending) bool { return x == e })
		s.resolve(e, notStarted(ctx))
	case sent:
		e.w.halt()
	}
	s.mu.Unlock()
	<-one.done
	return one.out
}

// notStarted is the outcome of a record stopped before it was sent.
func notStarted(ctx context.Context) job.Outcome {
	return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
}

// resolve gives e its outcome and wakes its job; s.mu is held. A record
// of a batch tells the batch's output when it failed (an answer was
// given as it came).
func (s *slot) resolve(e *pending, o job.Outcome) {
	if bt := e.batch; bt != nil {
		e.state, e.w = resolved, nil
		if o.Status != job.StatusOK {
			o.Retried = e.attempts - 1
			bt.out.Failed(e.idx, o, e.partial)
			e.partial = nil
		}
		bt.resolved()
		return
	}
	e.state, e.w = resolved, nil
	e.own.out = o
	close(e.own.done)
}

// beginHead starts the clock of the worker's oldest unanswered record:
// its turn has come. s.mu is held.
func (s *slot) beginHead(w *worker) {
	if len(w.inflight) == 0 {
		return
	}
	if h := w.inflight[0]; !h.begun {
		h.begun = true
		if h.begin != nil {
			h.begin()
		}
		if h.batch != nil && h.batch.timeout > 0 {
			h.begunAt = time.Now()
			s.armClock(w, h.batch.timeout)
		}
	}
}

// write is the slot's writer: it sends what is queued to the worker, all
// of it in one write, starting a worker when there is none.
func (s *slot) write() {
	defer close(s.writerDone)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for !s.closed && (len(s.queue) == 0 || s.gaveUp || (s.w != nil && (s.w.broken || len(s.w.inflight) > s.low))) {
			s.more.Wait()
		}
		if s.closed {
			return
		}
		// A record whose job was stopped while queued is not sent (the
		// ones about to be sent are looked at below).
		for len(s.queue) > 0 && s.queue[0].ctx.Err() != nil {
			s.resolve(s.queue[0], notStarted(s.queue[0].ctx))
			s.queue[0] = nil
			s.queue = s.queue[1:]
		}
		if len(s.queue) == 0 {
			continue
		}
		if s.w == nil {
			s.mu.Unlock()
			w, o := s.p.start(s.n)
			s.mu.Lock()
			if w == nil {
				// PATH, the shell or the system does not change while
				// pmap runs: a worker that cannot start will never start.
				o.Err = fmt.Errorf("worker %d: %w", s.n, o.Err)
				o.Abort = o.Err
				s.resolve(s.queue[0], o)
				s.queue = slices.Delete(s.queue, 0, 1)
				s.gaveUp = true
				continue
			}
			s.w = w
			w.ready = sync.NewCond(&s.mu)
			go s.read(w)
			go w.watch()
		}
		w := s.w
		buf := s.buf[:0]
		// The window bounds what the worker holds: a batch queues more
		// records than that at once. Only the records taken are looked
		// at: a stopped one is resolved rather than sent.
		room, n := s.p.Window()-len(w.inflight), 0
		for ; n < len(s.queue) && room > 0; n++ {
			e := s.queue[n]
			if e.ctx.Err() != nil {
				s.resolve(e, notStarted(e.ctx))
				continue
			}
			room--
			e.state, e.w = sent, w
			e.start = w.queued
			buf = append(buf, e.rec...)
			buf = append(buf, '\n')
			w.queued += int64(len(e.rec)) + 1
			e.end = w.queued
			w.inflight = append(w.inflight, e)
		}
		rest := copy(s.queue, s.queue[n:])
		clear(s.queue[rest:])
		s.queue = s.queue[:rest]
		if len(buf) == 0 {
			continue // every record taken had been stopped
		}
		s.beginHead(w)
		w.ready.Signal()
		// The write runs without s.mu, so that answers are read and new
		// records queued meanwhile; wmu lets the reader, once the worker
		// ended, wait for it to return and count what the pipe took.
		w.wmu.Lock()
		s.mu.Unlock()
		n, err := w.in.Write(buf)
		w.sentN += int64(n)
		w.wmu.Unlock()
		if cap(buf) <= maxKeptBatch {
			s.buf = buf
		} else {
			s.buf = nil
		}
		s.mu.Lock()
		if err != nil && !w.broken {
			// It closed its stdin or ended: send it nothing more. Its
			// answers to what it read may still come; the reader ends
			// once it exits, or after a grace if it lives on without
			// reading.
			w.broken = true
			time.AfterFunc(proc.DrainGrace, func() {
				if !w.ended() {
					w.interrupt()
				}
			})
		}
	}
}

// read is the reader of one worker: each line it answers goes to the
// oldest record it holds. When the worker ends, closes its stdout or is
// stopped, broke settles the records it held.
func (s *slot) read(w *worker) {
	defer close(w.readerDone)
	var err error
	for {
		s.mu.Lock()
		for len(w.inflight) == 0 && !w.closing {
			w.ready.Wait()
		}
		if len(w.inflight) == 0 {
			s.mu.Unlock()
			return // the run is over
		}
		e := w.inflight[0]
		s.mu.Unlock()
		var line []byte
		line, err = w.br.ReadSlice('\n')
		if e.batch == nil {
			if len(line) > 0 {
				_, _ = e.stdout.Write(line)
			}
		} else if err != nil || len(w.part) > 0 {
			// An answer longer than the buffer is kept whole until it
			// ends: a record of a batch gives it in one piece, and one
			// that fails gives what it had as its own.
			w.part = append(w.part, line...)
			line = w.part
		}
		if err == nil {
			if e.batch != nil {
				e.batch.out.Answer(e.idx, line)
				w.part = w.part[:0]
				if cap(w.part) > maxKeptBatch {
					w.part = nil
				}
			}
			s.mu.Lock()
			w.inflight[0] = nil
			w.inflight = w.inflight[1:]
			w.answered++
			s.unread = 0
			s.resolve(e, job.Outcome{Status: job.StatusOK})
			s.beginHead(w)
			if len(w.inflight) == s.low && len(s.queue) > 0 {
				s.more.Signal()
			}
			s.mu.Unlock()
			continue
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
	}
	s.broke(w)
}

// broke settles the records an ended (or stopped) worker held. Those it
// read and did not answer fail (Retryable: a new worker takes a retry);
// those stopped by pmap get the stop's outcome; those still whole in its
// stdin pipe were never read and go back to the queue for the next
// worker, unless the worker ended before reading anything at all (it
// cannot start): then the first fails, counted for --worker-restarts.
func (s *slot) broke(w *worker) {
	s.mu.Lock()
	w.broken = true
	stopping := w.stopping
	s.mu.Unlock()
	// Stop a pending write and count what the pipe took.
	_ = w.in.SetWriteDeadline(time.Unix(1, 0))
	w.wmu.Lock()
	sentN := w.sentN
	w.wmu.Unlock()

	var reason string
	if stopping {
		w.stop(s.p.TermSeq)
	} else {
		reason = w.died(s.p.TermSeq)
	}
	readTo := sentN // without a count, every record sent was read
	if n, ok := pipeBuffered(w.inR); ok {
		readTo -= int64(n)
	}
	w.release(s.p)
	stopped := stoppedOutcome(w, s.p.TermSeq)
	died := job.Outcome{Status: job.StatusError, Exit: -1, Retryable: true}
	if w.ended() && w.waitErr == nil {
		st := proc.OutcomeOf(w.state, false)
		died.Signal = st.Signal
		if st.Status == job.StatusFailed {
			died.Exit = st.Exit
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == w {
		s.w = nil
	}
	var back []*pending
	for i, e := range w.inflight {
		read := e.start < readTo
		var o job.Outcome
		switch {
		case e.ctx.Err() != nil:
			o = stopped
		case e.timedOut:
			o = stopped
			o.Stopped, o.Err = true, fmt.Errorf("%w after %v", job.ErrTimeout, e.batch.timeout)
		case stopping && read:
			o = died
			o.Exit, o.Signal = -1, stopped.Signal
			o.Err = fmt.Errorf("worker %d was stopped while it held the record (a record before it was stopped)", s.n)
		case read:
			s.unread = 0
			o = died
			o.Err = fmt.Errorf("worker %d %s", s.n, reason)
		case i == 0 && w.answered == 0 && !stopping:
			s.unread++
			o = died
			o.Err = fmt.Errorf("worker %d %s (before reading the record)", s.n, reason)
			if s.unread > s.p.Restarts {
				o.Abort = s.p.givingUp(s.n, s.unread, reason)
				s.gaveUp = true
			}
		default:
			e.state, e.w = queued, nil
			back = append(back, e)
			continue
		}
		if e.batch != nil && e.batch.again(e, o) {
			// Retried in place, ahead of the records behind it, which
			// keeps the batch's answers in order.
			e.attempts++
			e.state, e.w, e.begun, e.timedOut = queued, nil, false, false
			back = append(back, e)
			continue
		}
		if i == 0 && e.batch != nil && len(w.part) > 0 {
			e.partial = w.part
			w.part = nil
		}
		s.resolve(e, o)
	}
	w.part = nil
	w.inflight = nil
	if len(back) > 0 {
		s.queue = append(back, s.queue...)
	}
	s.more.Signal()
}

// stoppedOutcome is the outcome of a record whose job pmap stopped while
// w held it: w was sent the termination sequence.
func stoppedOutcome(w *worker, seq proc.TermSeq) job.Outcome {
	o := proc.OutcomeOf(w.state, true)
	if w.waitErr != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: w.waitErr, Stopped: true}
	}
	if o.Status != job.StatusSignal {
		// It exited on the signal rather than dying of it (or it had
		// ended already): still stopped by pmap, and the record has no
		// answer.
		o.Status, o.Exit = job.StatusSignal, -1
		if o.Signal == "" && len(seq) > 0 {
			o.Signal = proc.SignalName(seq[0].Signal)
		}
	}
	o.Stopped = true
	return o
}

// close ends the slot's writer and returns its worker, if any, for
// Close to finish; every job has ended.
func (s *slot) close() *worker {
	s.mu.Lock()
	s.closed = true
	s.more.Broadcast()
	w := s.w
	s.w = nil
	if w != nil {
		w.closing = true
		w.ready.Broadcast()
	}
	s.mu.Unlock()
	<-s.writerDone
	return w
}
