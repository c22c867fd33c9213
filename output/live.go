package output

import (
	"bytes"
	"io"

	"github.com/pmap-dev/pmap/exec/job"
)

// Live returns the writers a running job's output goes to with
// --line-buffer (whole lines, tagged, as they come) or --ungroup (bytes as
// they come). It is the scheduler's (exec.Engine's) Live hook.
func (w *Writer) Live(j *job.Job, slot int) (stdout, stderr io.Writer) {
	tag := w.tag(j, slot)
	if w.opt.Ungroup {
		return &rawWriter{s: &w.out}, &rawWriter{s: &w.err}
	}
	if w.outOrder != nil {
		return &lineWriter{s: &w.out, tag: w.tagFor(&w.out, tag), order: w.outOrder, seq: j.Seq},
			&lineWriter{s: &w.err, tag: w.tagFor(&w.err, tag), order: w.errOrder, seq: j.Seq}
	}
	return &lineWriter{s: &w.out, tag: w.tagFor(&w.out, tag)}, &lineWriter{s: &w.err, tag: w.tagFor(&w.err, tag)}
}

// advanceLive moves --line-buffer -k output on past job done, whose result
// has just been written in input order.
func (w *Writer) advanceLive(done int64) {
	if w.outOrder == nil {
		return
	}
	for _, e := range []error{w.outOrder.advance(&w.out, done), w.errOrder.advance(&w.err, done)} {
		if e != nil {
			w.fail(e)
		}
	}
}

// endLive writes what --line-buffer -k still holds at the end of a run.
func (w *Writer) endLive() {
	if w.outOrder == nil {
		return
	}
	for _, e := range []error{w.outOrder.end(&w.out), w.errOrder.end(&w.err)} {
		if e != nil {
			w.fail(e)
		}
	}
}

type rawWriter struct{ s *sink }

func (r *rawWriter) Write(p []byte) (int, error) {
	r.s.mu.Lock()
	r.s.write(p)
	r.s.flush()
	r.s.mu.Unlock()
	return len(p), nil
}

// lineWriter passes whole lines to the shared sink so that lines of
// different jobs never mix, and keeps a partial line until it is complete or
// the job ends (Close).
type lineWriter struct {
	s       *sink
	tag     string
	partial []byte
	// order, with -k, holds the lines of a job that is not the oldest
	// one running (live_order.go); seq is the job's number.
	order *liveOrder
	seq   int64
	tw    *tagWriter // with a tag: each emit's lines tagged, one block
}

func (l *lineWriter) Write(p []byte) (int, error) {
	i := bytes.LastIndexByte(p, '\n')
	if i < 0 {
		l.partial = append(l.partial, p...)
		return len(p), nil
	}
	l.emit(p[:i+1])
	l.partial = append(l.partial[:0], p[i+1:]...)
	return len(p), nil
}

func (l *lineWriter) emit(lines []byte) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	var dst io.Writer = l.s
	if l.order != nil {
		dst = l.order.dest(l.s, l.seq)
	}
	var w io.Writer = dst
	if l.tag != "" {
		if l.tw == nil {
			l.tw = newTagWriter(dst, l.tag)
		}
		l.tw.w = dst // with -k, the holding buffer or the stream
		l.tw.lineStart = true
		w = l.tw
	}
	// One write for the kept partial line and the lines that end it.
	if len(l.partial) > 0 {
		l.partial = append(l.partial, lines...)
		lines = l.partial
		l.partial = l.partial[:0]
	}
	w.Write(lines)
	l.s.flush()
}

// Close writes a final line that has no newline.
func (l *lineWriter) Close() error {
	if len(l.partial) > 0 {
		l.emit(nil)
	}
	return nil
}
