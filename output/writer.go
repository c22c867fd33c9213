package output

import (
	"errors"
	"fmt"
	"io"

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
	}
	return 0, fmt.Errorf("format %q: want raw, json or map", s)
}

// Options configure a Writer.
type Options struct {
	Stdout, Stderr io.Writer
	// Unordered writes results as jobs finish (-U) instead of in input order.
	Unordered bool
	// LineBuffer and Ungroup: output was written while jobs ran (Live).
	LineBuffer, Ungroup bool
	Format              Format
	// Tag prefixes lines with the job's input (--tag); TagString with an
	// expanded Plain template (--tagstring).
	Tag       bool
	TagString *template.Template
	// Multi is set for -N/-X jobs (for TagString expansion).
	Multi bool
	// OnBroken is called once when stdout turns out to be a closed pipe.
	OnBroken func()
	// Stop, when set, is asked between chunks of output: once it returns
	// an error (a second Ctrl-C), the output still to be written is given
	// up, and each job whose output is then not written becomes a failure
	// with that error, so that --failed lists it.
	Stop func() error

	// Results receives every job's JSON record (--results), in output order.
	Results io.Writer
	// Joblog logs finished jobs in completion order (--joblog). The Writer
	// does not write it: the engine's OnFinish hook does, as each job ends.
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
}

// New returns a Writer.
func New(opt Options) *Writer {
	w := &Writer{opt: opt}
	w.out = sink{w: opt.Stdout, onBroken: opt.OnBroken}
	w.err = sink{w: opt.Stderr}
	w.results = sink{w: opt.Results}
	return w
}

// Consume writes every result from results until it is closed. In input
// order, a result waits until every earlier job's result is written; when
// results ends with gaps (an interrupted run), what is held is written in
// order anyway.
func (w *Writer) Consume(results <-chan *job.Result) {
	pending := make(map[int64]*job.Result)
	next := int64(1)
	w.opt.Progress.Start()
	defer w.opt.Progress.Stop()
	for r := range results {
		w.Summary.Add(r)
		w.opt.Progress.Add(r)
		if w.opt.Unordered {
			w.emit(r)
		} else {
			pending[r.Job.Seq] = r
			for {
				p, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				w.emit(p)
				next++
			}
		}
		if len(results) == 0 {
			w.flush()
		}
	}
	for len(pending) > 0 {
		if p, ok := pending[next]; ok {
			delete(pending, next)
			w.emit(p)
		}
		next++
	}
	if w.opt.Format == Map {
		w.out.mu.Lock()
		if w.mapped == 0 {
			w.out.write([]byte("{"))
		}
		w.out.write([]byte("}\n"))
		w.out.mu.Unlock()
	}
	w.flush()
}

func (w *Writer) flush() {
	w.out.mu.Lock()
	w.out.flush()
	w.out.mu.Unlock()
	if w.opt.Results != nil {
		w.results.flush()
	}
	w.err.mu.Lock()
	w.err.flush()
	w.err.mu.Unlock()
}

func (w *Writer) emit(r *job.Result) {
	defer r.Release()
	gaveUp := w.givenUp(r)
	w.opt.Failed.Write(r)
	if w.opt.Results != nil {
		w.record, _ = writeRecord(&w.results, r, true, w.record, "\n")
	}
	if gaveUp {
		return
	}
	switch w.opt.Format {
	case JSON:
		w.out.mu.Lock()
		var err error
		w.record, err = writeRecord(w.stoppable(&w.out), r, true, w.record, "\n")
		w.out.mu.Unlock()
		w.cut(r, err)
		return
	case Map:
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
		w.record, err = writeRecord(w.stoppable(&w.out), r, false, b, "")
		w.out.mu.Unlock()
		w.cut(r, err)
		return
	}
	if w.opt.LineBuffer || w.opt.Ungroup {
		return
	}
	tag := w.tag(r.Job, r.Slot)
	w.cut(r, copyTagged(&w.out, r.Stdout, tag, w.opt.Stop))
	w.cut(r, copyTagged(&w.err, r.Stderr, tag, w.opt.Stop))
}

type writerToer interface {
	WriteTo(io.Writer) (int64, error)
	Len() int64
}

// copyTagged copies src to s, tagged; the error is the Stop that cut the
// copy short, if one did.
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
	if _, err := src.WriteTo(w); err != nil {
		if errors.Is(err, errGivenUp) {
			return err
		}
		s.fail(err)
	}
	return nil
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

// Verbose prints the command r is about to run on stderr (-v).
func (w *Writer) Verbose(r *job.Result) {
	line := r.Command.String() + "\n"
	w.err.mu.Lock()
	w.err.write([]byte(line))
	w.err.mu.Unlock()
}
