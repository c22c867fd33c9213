package output

import (
	"fmt"
	"io"
	"sync"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// passing lets the job first in output order write its output straight
// to stdout and stderr while it runs, instead of into its spool buffers:
// in input order nothing may come before it, so holding its output only
// costs a copy into the spool (and, past the memory budget, a write to and
// a read from the spill file). A later job spools as before; when every
// earlier job's result has been written, what it spooled so far goes out
// and the rest of its output passes straight on. Bytes and order are those
// of spooled output; only the raw output of ordered group mode qualifies
// (Writer.passes), as a record or a tag needs the whole output in hand.
type passing struct {
	mu      sync.Mutex
	next    int64 // the job whose output passes straight on
	step    int64
	waiting map[int64]*passJob // later jobs, spooling until their turn
	passed  map[int64]*passJob // jobs whose output went (partly) straight on
}

// passJob is one job's pair of writers. Its mu orders the job's writes
// against the switch from spooling to passing on: no byte is written
// twice, dropped, or overtaken by a later one.
type passJob struct {
	mu     sync.Mutex
	out    passWriter
	err    passWriter
	failed bool // a buffer could not keep a write: the job fails, unswitched
}

type passWriter struct {
	j      *passJob
	s      *sink
	buf    *spool.Buffer
	live   bool   // writes go to s (under s.mu), not to buf
	passed *int64 // counts the bytes written live (Result.Passed), or nil
}

func (p *passWriter) Write(b []byte) (int, error) {
	p.j.mu.Lock()
	defer p.j.mu.Unlock()
	if !p.live {
		n, err := p.buf.Write(b)
		if err != nil {
			p.j.failed = true
		}
		return n, err
	}
	p.s.mu.Lock()
	p.s.write(b)
	p.s.mu.Unlock()
	if p.passed != nil {
		*p.passed += int64(len(b))
	}
	return len(b), nil
}

// ReadFromPipe (exec/proc.PipeWriter) lets the job whose output passes
// straight on hand its pipe to stdout (sink.readFromPipe), with no copy
// through pmap's memory where stdout can take it so; a job that spools
// declines, and its output comes by Write.
func (p *passWriter) ReadFromPipe(fd int) (int64, bool, error) {
	p.j.mu.Lock()
	defer p.j.mu.Unlock()
	if !p.live {
		return 0, false, nil
	}
	n, handled, err := p.s.readFromPipe(fd)
	if p.passed != nil {
		*p.passed += n
	}
	return n, handled, err
}

// passes reports whether a job's output may pass straight on (see
// passing): raw output, in input order, grouped, untagged, written nowhere
// else, from jobs that are not retried.
func passes(opt Options) bool {
	return opt.Format == Raw && !opt.Unordered && !opt.LineBuffer && !opt.Ungroup &&
		!opt.Files && !opt.Tag && opt.TagString == nil && opt.Results == nil &&
		opt.ResultsDir == nil && !opt.Retried
}

// Passes reports whether the run's output may use Stream.
func (w *Writer) Passes() bool { return w.pass != nil }

// Stream is the scheduler's (exec.Engine's) Stream hook: the writers r's
// job writes to, in front of its spool buffers r.Stdout and r.Stderr.
func (w *Writer) Stream(r *job.Result) (stdout, stderr io.Writer) {
	p := w.pass
	j := &passJob{}
	j.out = passWriter{j: j, s: &w.out, buf: r.Stdout, passed: &r.Passed}
	j.err = passWriter{j: j, s: &w.err, buf: r.Stderr}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Job.Seq == p.next {
		j.out.live, j.err.live = true, true
		p.passed[r.Job.Seq] = j
	} else {
		p.waiting[r.Job.Seq] = j
	}
	return &j.out, &j.err
}

// passOn is called once job done's result has been written, in input
// order: the next job's output passes straight on from now, after what it
// spooled so far.
func (w *Writer) passOn(done int64) {
	p := w.pass
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.passed, done)
	if done != p.next {
		return // a run that ended with gaps: its results go out as they are
	}
	p.next = done + p.step
	j, ok := p.waiting[p.next]
	if !ok || w.stopErr() != nil {
		return // output given up (a second Ctrl-C): it stays held, and lost
	}
	delete(p.waiting, p.next)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.failed {
		return // its record says so; what it spooled is not passed on
	}
	for _, pw := range []*passWriter{&j.out, &j.err} {
		pw.s.mu.Lock()
		_, err := pw.buf.WriteTo(pw.s) // the buffer has no error: j.failed
		pw.live = true
		pw.s.mu.Unlock()
		if err != nil {
			w.fail(fmt.Errorf("reading back the output of job %d: %w", p.next, err))
		}
	}
	p.passed[p.next] = j
}

// passedOn reports which of r's streams went straight on (and are not to
// be copied from its buffers).
func (w *Writer) passedOn(r *job.Result) (stdout, stderr bool) {
	p := w.pass
	if p == nil {
		return false, false
	}
	p.mu.Lock()
	j := p.passed[r.Job.Seq]
	p.mu.Unlock()
	if j == nil {
		return false, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.out.live, j.err.live
}
