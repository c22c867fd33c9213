package output

import (
	"errors"
	"io"

	"github.com/pmap-dev/pmap/exec/job"
)

// errGivenUp ends a copy of job output that Options.Stop cut short.
var errGivenUp = errors.New("output given up")

// errSinkBroken ends a copy to a sink that can no longer be written: the
// rest of the output would only be read to be thrown away.
var errSinkBroken = errors.New("output stream broken")

// stopWriter returns the destination of a copy of job output to s, which
// ends the copy between two chunks once stop says the output is given up
// or s is broken: a copy of gigabytes from the spool file, line by line
// with --tag, must not keep pmap from exiting. The caller holds s.mu.
func stopWriter(s *sink, stop func() error) io.Writer {
	return &stopping{s: s, stop: stop}
}

type stopping struct {
	s    *sink
	stop func() error
}

func (g *stopping) Write(p []byte) (int, error) {
	if g.stop != nil && g.stop() != nil {
		return 0, errGivenUp
	}
	if g.s.broken {
		return 0, errSinkBroken
	}
	g.s.write(p)
	return len(p), nil
}

// ReadFromFile (spool.FileReaderFrom) is Write for spilled output that
// the stream can take straight from the spill file.
func (g *stopping) ReadFromFile(fd int, off, n int64) (int64, bool, error) {
	if g.stop != nil && g.stop() != nil {
		return 0, true, errGivenUp
	}
	if g.s.broken {
		return 0, true, errSinkBroken
	}
	return g.s.ReadFromFile(fd, off, n)
}

// stoppable is stopWriter for the Writer's own stop.
func (w *Writer) stoppable(s *sink) io.Writer { return stopWriter(s, w.opt.Stop) }

// stopErr is the error that gave the output up, nil while it goes on.
func (w *Writer) stopErr() error {
	if w.opt.Stop == nil {
		return nil
	}
	return w.opt.Stop()
}

// givenUp reports whether the output is given up; r, when it had output
// to write, is then lost.
func (w *Writer) givenUp(r *job.Result) bool {
	err := w.stopErr()
	if err == nil {
		return false
	}
	if w.writesOutput(r) {
		w.lose(r, err)
	}
	return true
}

// cut handles the end of a copy of r's output: when Stop cut it short, r
// is lost, and --failed, already past r, lists it now.
func (w *Writer) cut(r *job.Result, err error) {
	if errors.Is(err, errGivenUp) && w.lose(r, w.stopErr()) {
		if err := w.writeFailed(r); err != nil {
			w.fail(err)
		}
	}
}

// writesOutput reports whether emitting r writes job output or a record
// to pmap's stdout or stderr.
func (w *Writer) writesOutput(r *job.Result) bool {
	switch {
	case w.opt.Format != Raw:
		return true
	case w.opt.LineBuffer || w.opt.Ungroup:
		return false // written while the job ran
	}
	if out, err := w.passedOn(r); out || err {
		return false // passed straight on while the job ran
	}
	return r.Stdout.Len() > 0 || r.Stderr.Len() > 0
}

// lose makes r, whose output was not (all) written, a failure with err,
// so that the summary counts it and --failed lists it: every record ends
// up as output or as a failure. A job that failed on its own keeps its
// record. It reports whether r changed.
func (w *Writer) lose(r *job.Result, err error) bool {
	if r.Failed() {
		return false
	}
	r.Status, r.Err = job.StatusSkipped, err
	if r.Batch != nil {
		// A block is lost job by job: each is counted, and --failed
		// lists each (writeFailed).
		for _, j := range r.Batch {
			w.Summary.lost(&job.Result{Job: j, Slot: r.Slot, Status: job.StatusSkipped, Exit: -1, Err: err})
		}
		return true
	}
	w.Summary.lost(r)
	return true
}

// writeFailed writes r to --failed when it failed: each job of a block
// that was lost (lose).
func (w *Writer) writeFailed(r *job.Result) error {
	if r.Batch == nil || !r.Failed() {
		return w.opt.Failed.Write(r)
	}
	for _, j := range r.Batch {
		if err := w.opt.Failed.Write(&job.Result{Job: j, Slot: r.Slot, Status: r.Status, Exit: -1, Err: r.Err}); err != nil {
			return err
		}
	}
	return nil
}
