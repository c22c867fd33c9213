package output

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
)

// Format is how results are rendered on stdout.
type Format int

const (
	// Raw writes each job's own output (the default).
	Raw Format = iota
	// JSON writes one result record per job (SPEC 5).
	JSON
	// Map writes one JSON object mapping each job's key to its record.
	Map
	// Object writes one JSON object mapping each job's key to its value
	// (FailValue for a failed job).
	Object
	// Array writes one JSON array of the jobs' values, in output order.
	Array
)

// ParseFormat reads --format.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "raw":
		return Raw, nil
	case "json":
		return JSON, nil
	case "map":
		return Map, nil
	case "object":
		return Object, nil
	case "array":
		return Array, nil
	}
	return 0, fmt.Errorf("format %q: want raw, json, map, object or array", s)
}

// Keyed reports whether f names each result by its job's key, so that two
// jobs may not share one.
func (f Format) Keyed() bool { return f == Map || f == Object }

// Options configure a Writer.
type Options struct {
	Stdout, Stderr io.Writer
	// Unordered writes results as jobs finish (-U) instead of in input order.
	Unordered bool
	// FirstSeq and SeqStep are the numbers of the run's jobs in input
	// order: FirstSeq, FirstSeq+SeqStep... (--shard K/N: K+1 and N); 0
	// for 1, 2, 3...
	FirstSeq, SeqStep int64
	// LineBuffer and Ungroup: output was written while jobs ran (Live).
	LineBuffer, Ungroup bool
	// KeepOrder, with LineBuffer, writes the live lines in input order
	// (-k): a job's lines wait in a Hold buffer until every earlier job
	// has ended (live_order.go).
	KeepOrder bool
	Hold      func() HeldBuffer
	// Retried says a job may run again (--retries, or --ssh moving it off
	// a failed host): its output is then held until its last attempt,
	// never passed straight on (passthrough.go).
	Retried bool

	Format Format
	// Values adds each job's output as a value ("value") to its result
	// records (--value); FailValue is a failed job's value in --format
	// object and array (--fail-value; nil: null).
	Values    bool
	FailValue []byte
	// Tag prefixes lines with the job's input (--tag); TagString with an
	// expanded Plain template (--tagstring).
	Tag       bool
	TagString *template.Template
	// Multi is set for -N/-X jobs (for TagString expansion).
	Multi bool
	// TerminalStdout and TerminalStderr say which of them is a terminal:
	// text from input written there (tags, -v, the summary) has its
	// control bytes escaped (TerminalSafe).
	TerminalStdout, TerminalStderr bool
	// OnBroken is called once when stdout turns out to be a closed pipe.
	OnBroken func()
	// OnError is called once, with the first error writing stdout,
	// --results, --failed or --joblog (a WriteError): the run should stop,
	// as its output is no longer complete. Err returns it after.
	OnError func(error)
	// Stop, when set, is asked between chunks of output: once it returns
	// an error (a second Ctrl-C), the output still to be written is given
	// up, and each job whose output is then not written becomes a failure
	// with that error, so that --failed lists it.
	Stop func() error

	// Results receives every job's JSON record (--results), in output order;
	// ResultsPath names it in messages.
	Results     io.Writer
	ResultsPath string
	// ResultsDir receives every job's output in GNU parallel's directory
	// layout (--results DIR/), in output order.
	ResultsDir *ResultsDir
	// Files writes each job's standard output to a file in TmpDir and
	// prints its name instead (--files, --tmpdir; "" is the system's).
	Files  bool
	TmpDir string
	// Joblog logs finished jobs (--joblog) in output order, each only once
	// its output has been written to stdout and flushed: a pmap killed at
	// any moment has logged no job whose output it did not deliver, so
	// --resume runs those again rather than lose their output.
	Joblog *Joblog
	// Failed receives the input of failed jobs (--failed).
	Failed *Failed
	// Progress shows the run's progress on stderr (--progress); Consume
	// starts it, feeds it every result and stops it at the end.
	Progress *Progress
}

// Writer consumes results and writes them out.
type Writer struct {
	opt     Options
	out     sink
	err     sink
	results sink
	record  []byte
	mapped  int // records written into the --format map object
	Summary Summary

	// outOrder and errOrder order --line-buffer output with -k; nil
	// otherwise.
	outOrder, errOrder *liveOrder
	// pass lets the job first in output order write straight on
	// (passthrough.go); nil when the output may not.
	pass *passing

	errOnce sync.Once
	errMu   sync.Mutex
	failure error // the first write error
}

// joblogBatch is how many bytes of joblog lines may wait for the next
// flush of stdout before one is forced: the joblog trails the output by a
// bounded amount even when results never stop coming.
const joblogBatch = 4 << 10

// New returns a Writer.
func New(opt Options) *Writer {
	w := &Writer{opt: opt}
	w.Summary.terminal = opt.TerminalStderr
	w.out = sink{w: opt.Stdout, name: "stdout", onBroken: opt.OnBroken, onError: w.fail}
	// pmap's stderr is where it would report a failure to write it: it
	// stays unchecked.
	w.err = sink{w: opt.Stderr}
	w.results = sink{w: opt.Results, name: "--results " + opt.ResultsPath, onError: w.fail}
	if opt.LineBuffer && opt.KeepOrder && !opt.Unordered && opt.Hold != nil {
		first, step := max(opt.FirstSeq, 1), max(opt.SeqStep, 1)
		w.outOrder, w.errOrder = newLiveOrder(opt.Hold, first, step), newLiveOrder(opt.Hold, first, step)
	}
	if passes(opt) {
		w.pass = &passing{next: max(opt.FirstSeq, 1), step: max(opt.SeqStep, 1),
			waiting: make(map[int64]*passJob), passed: make(map[int64]*passJob)}
	}
	return w
}

// fail records err, the first error writing an output, and reports it
// through OnError. Later ones are consequences of the first, or of the
// stop it causes: they are not reported.
func (w *Writer) fail(err error) {
	w.errOnce.Do(func() {
		w.errMu.Lock()
		w.failure = err
		w.errMu.Unlock()
		if w.opt.OnError != nil {
			w.opt.OnError(err)
		}
	})
}

// Err returns the first error writing stdout, --results, --failed or
// --joblog, or nil.
func (w *Writer) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.failure
}

// Consume writes every result from results until it is closed. In input
// order, a result waits until every earlier job's result is written; when
// results ends with gaps (an interrupted run), what is held is written in
// order anyway. A block's result (Result.Batch) stands for its jobs, in
// order.
func (w *Writer) Consume(results <-chan *job.Result) {
	pending := make(map[int64]*job.Result)
	next, step := max(w.opt.FirstSeq, 1), max(w.opt.SeqStep, 1)
	w.opt.Progress.Start()
	defer w.opt.Progress.Stop()
	var pace flushPacer
	defer pace.stop()
	for {
		r, ok := w.next(results, &pace)
		if !ok {
			break
		}
		if r == nil {
			continue // a flush was due
		}
		w.Summary.Add(r)
		w.opt.Progress.Add(r)
		switch {
		case w.opt.Unordered:
			w.emit(r)
		case r.Job.Seq != next:
			pending[r.Job.Seq] = r
		default:
			// The next in order goes out without a turn through the map,
			// then those it held up.
			for p, ok := r, true; ok; {
				w.emit(p)
				next = p.Last().Seq + step
				if p, ok = pending[next]; ok {
					delete(pending, next)
				}
			}
		}
		if len(results) == 0 && pace.idle() {
			w.flush()
			pace.flushed()
		}
	}
	for len(pending) > 0 {
		if p, ok := pending[next]; ok {
			delete(pending, next)
			w.emit(p)
			next = p.Last().Seq
		}
		next += step
	}
	w.endLive()
	if w.opt.Format == Map {
		w.out.mu.Lock()
		if w.mapped == 0 {
			w.out.write([]byte("{"))
		}
		w.out.write([]byte("}\n"))
		w.out.mu.Unlock()
	}
	if w.opt.Format == Object || w.opt.Format == Array {
		w.endValues()
	}
	w.flush()
}

// next returns the next result, or nil after a flush that pace had put
// off, and false once results is closed.
func (w *Writer) next(results <-chan *job.Result, pace *flushPacer) (*job.Result, bool) {
	if pace.C == nil {
		r, ok := <-results
		return r, ok
	}
	select {
	case r, ok := <-results:
		return r, ok
	default:
	}
	select {
	case r, ok := <-results:
		return r, ok
	case <-pace.C:
		pace.C = nil
		w.flush()
		pace.flushed()
		return nil, true
	}
}

func (w *Writer) flush() {
	w.out.mu.Lock()
	w.out.flush()
	delivered := !w.out.broken
	w.out.mu.Unlock()
	if w.opt.Results != nil {
		w.results.flush()
	}
	w.err.mu.Lock()
	w.err.flush()
	w.err.mu.Unlock()
	// Only now is the output of the jobs waiting in the joblog out of
	// pmap's hands. When it could not be written, they are not logged:
	// --resume runs them again.
	if !delivered {
		w.opt.Joblog.Discard()
		return
	}
	if err := w.opt.Joblog.Flush(); err != nil {
		w.fail(err)
	}
}

func (w *Writer) emit(r *job.Result) {
	defer r.Release()
	defer w.log(r)
	defer w.advanceLive(r.Job.Seq)
	defer w.passOn(r.Job.Seq)
	gaveUp := w.givenUp(r)
	if err := w.writeFailed(r); err != nil {
		w.fail(err)
	}
	if err := w.opt.ResultsDir.Write(r); err != nil {
		w.fail(err)
	}
	// A job --resume skipped has its record in the file from the run
	// that ran it (OpenResults appends when resuming).
	if w.opt.Results != nil && !errors.Is(r.Err, job.ErrResumed) {
		var err error
		if w.record, err = w.writeRecord(&w.results, r, true, w.record, "\n"); err != nil {
			w.fail(readError(r, err))
		}
	}
	if gaveUp {
		return
	}
	switch w.opt.Format {
	case JSON:
		w.out.mu.Lock()
		var err error
		w.record, err = w.writeRecord(w.stoppable(&w.out), r, true, w.record, "\n")
		w.out.mu.Unlock()
		w.copied(r, err)
		return
	case Map:
		if errors.Is(r.Err, job.ErrDuplicateKey) {
			// Its key names an earlier result: written under it, the
			// record would replace that one for every JSON reader. It
			// stays a failure (summary, exit status, --results, --failed).
			return
		}
		// The object is written as results come, not held to the end: the
		// bytes are the same and memory stays bounded.
		b := w.record[:0]
		if w.mapped == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		w.mapped++
		b = appendString(b, r.Job.Key)
		b = append(b, ':')
		w.out.mu.Lock()
		w.out.write(b)
		var err error
		w.record, err = w.writeRecord(w.stoppable(&w.out), r, false, b, "")
		w.out.mu.Unlock()
		w.copied(r, err)
		return
	case Object, Array:
		w.emitValue(r)
		return
	}
	if w.opt.LineBuffer || w.opt.Ungroup {
		return
	}
	if w.opt.Files {
		w.emitFile(r)
		return
	}
	tag := w.tag(r.Job, r.Slot)
	passedOut, passedErr := w.passedOn(r)
	if !passedOut {
		w.copied(r, copyTagged(&w.out, r.Stdout, w.tagFor(&w.out, tag), w.opt.Stop))
	}
	if !passedErr {
		w.copied(r, copyTagged(&w.err, r.Stderr, w.tagFor(&w.err, tag), w.opt.Stop))
	}
}

// copied handles the end of a copy of r's output: a copy that Stop cut
// short loses r (cut); a broken sink has reported itself; any other error
// is r's output that could not be read back, which stops the run.
func (w *Writer) copied(r *job.Result, err error) {
	switch {
	case err == nil, errors.Is(err, errSinkBroken):
	case errors.Is(err, errGivenUp):
		w.cut(r, err)
	default:
		w.fail(readError(r, err))
	}
}

// log adds r to the joblog, once its output has been handed to stdout:
// the line is written at the next flush, after stdout's. A job whose
// output was given up is skipped by then and is not logged.
func (w *Writer) log(r *job.Result) {
	if w.opt.Joblog == nil {
		return
	}
	w.opt.Joblog.Write(r)
	if w.opt.Joblog.Buffered() >= joblogBatch {
		w.flush()
	}
}

// readError is the error for r's output that could not be read back from
// where it was kept (the sinks report their own errors; a copy fails only
// on its source).
func readError(r *job.Result, err error) error {
	return fmt.Errorf("reading back the output of job %d: %w", r.Job.Seq, err)
}

type writerToer interface {
	WriteTo(io.Writer) (int64, error)
	Len() int64
}

// copyTagged copies src to s, tagged. A failing s reports itself; the
// error returned is src's when it could not be read, errGivenUp when stop
// cut the copy short, or errSinkBroken.
func copyTagged(s *sink, src writerToer, tag string, stop func() error) error {
	if src.Len() == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := stopWriter(s, stop)
	if tag != "" {
		w = newTagWriter(w, tag)
	}
	_, err := src.WriteTo(w)
	return err
}

// tag is the line prefix for j, "" without --tag/--tagstring.
func (w *Writer) tag(j *job.Job, slot int) string {
	switch {
	case w.opt.TagString != nil:
		s, err := w.opt.TagString.String(&template.Data{Records: j.Records, Multi: w.opt.Multi, Seq: j.Seq, Slot: slot})
		if err != nil {
			s = j.Input()
		}
		return s + "\t"
	case w.opt.Tag:
		return j.Input() + "\t"
	}
	return ""
}

// tagFor is tag as written to s: escaped for a terminal (TerminalSafe).
func (w *Writer) tagFor(s *sink, tag string) string {
	if s == &w.out && w.opt.TerminalStdout || s == &w.err && w.opt.TerminalStderr {
		return TerminalSafe(tag)
	}
	return tag
}

// Verbose prints the command r is about to run on stderr (-v), escaped
// for a terminal (TerminalSafe).
func (w *Writer) Verbose(r *job.Result) {
	line := r.Command.String()
	if w.opt.TerminalStderr {
		line = TerminalSafe(line)
	}
	line += "\n"
	w.err.mu.Lock()
	w.err.write([]byte(line))
	w.err.mu.Unlock()
}
