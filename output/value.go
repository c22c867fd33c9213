package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pmap-dev/pmap/exec/job"
)

// A job's output as a value (SPEC 5): what a Python caller gets back from
// its function. Output that is one JSON document is that document (42, an
// object, "text"); anything else is the text without its final newline.
// The raw stdout of a record stays exact beside it.

// appendValue appends the value of r's standard output.
func appendValue(b []byte, r *job.Result) ([]byte, error) {
	out, err := r.Stdout.Bytes()
	if err != nil {
		return b, err
	}
	if json.Valid(out) {
		// Compact keeps numbers as written (no float rounding) and makes
		// the value one line, as records are.
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, out); err == nil {
			return buf.Bytes(), nil
		}
	}
	out = bytes.TrimSuffix(out, []byte("\n"))
	return appendString(b, string(out)), nil
}

// ParseFailValue reads --fail-value: the JSON document that stands for a
// failed job's value in --format object and array.
func ParseFailValue(s string) ([]byte, error) {
	if !json.Valid([]byte(s)) {
		return nil, fmt.Errorf("%q is not a JSON document (write null, 0, '\"\"' or '{}')", s)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// emitValue writes r into the --format object ("key":value) or array
// (value) being streamed; a failed job is Options.FailValue. The job's
// stderr goes to pmap's stderr.
func (w *Writer) emitValue(r *job.Result) {
	if w.opt.Format == Object && errors.Is(r.Err, job.ErrDuplicateKey) {
		return // its key names an earlier job's value (see Map)
	}
	b := w.record[:0]
	switch {
	case w.mapped == 0 && w.opt.Format == Object:
		b = append(b, '{')
	case w.mapped == 0:
		b = append(b, '[')
	default:
		b = append(b, ',')
	}
	w.mapped++
	if w.opt.Format == Object {
		b = appendString(b, r.Job.Key)
		b = append(b, ':')
	}
	var err error
	if r.OK() {
		b, err = appendValue(b, r)
	} else {
		b = append(b, w.failValue()...)
	}
	w.record = b
	if err != nil {
		w.fail(readError(r, err))
		return
	}
	w.out.mu.Lock()
	w.out.write(b)
	w.out.mu.Unlock()
	// A value is the job's stdout; its stderr goes to pmap's, as in raw
	// output, rather than nowhere.
	w.copied(r, copyTagged(&w.err, r.Stderr, "", w.opt.Stop))
}

func (w *Writer) failValue() []byte {
	if w.opt.FailValue == nil {
		return []byte("null")
	}
	return w.opt.FailValue
}

// endValues closes the --format object or array, empty or not.
func (w *Writer) endValues() {
	open, end := "{", "}\n"
	if w.opt.Format == Array {
		open, end = "[", "]\n"
	}
	w.out.mu.Lock()
	if w.mapped == 0 {
		w.out.write([]byte(open))
	}
	w.out.write([]byte(end))
	w.out.mu.Unlock()
}
