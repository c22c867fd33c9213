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
	return &lineWriter{s: &w.out, tag: tag}, &lineWriter{s: &w.err, tag: tag}
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
	tw      *tagWriter // with a tag: each emit's lines tagged, one block
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
	var w io.Writer = l.s
	if l.tag != "" {
		if l.tw == nil {
			l.tw = newTagWriter(l.s, l.tag)
		}
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
