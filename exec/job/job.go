package job

import (
	"io"
	"strings"

	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// Job is one command to run: one record, or several with -N/-X.
type Job struct {
	// Seq is the 1-based job number in input order ({#}, PMAP_SEQ).
	Seq int64
	// Records are the job's input records.
	Records []input.Record
	// Key identifies the job in keyed output and logs (--key; default Seq).
	Key string
	// Err is set when the job cannot run at all (a malformed record, a key
	// that cannot be expanded): it fails without starting a process.
	Err error
	// Stdin is fed to the job's standard input (--pipe); nil means
	// /dev/null.
	Stdin []byte
	// StdinPart, when not nil, is the job's standard input instead: a
	// range of a file the job reads itself (--pipepart).
	StdinPart *Part
}

// HasStdin reports whether the job has input for its stdin (Stdin or
// StdinPart); without, its stdin is /dev/null.
func (j *Job) HasStdin() bool { return j.Stdin != nil || j.StdinPart != nil }

// StdinLen is the size of the job's stdin input, or -1 without one.
func (j *Job) StdinLen() int64 {
	switch {
	case j.StdinPart != nil:
		return j.StdinPart.Len()
	case j.Stdin != nil:
		return int64(len(j.Stdin))
	}
	return -1
}

// WriteStdin writes the job's stdin input to w: Stdin, or the range of
// StdinPart read from its file.
func (j *Job) WriteStdin(w io.Writer) error {
	if j.StdinPart != nil {
		_, err := j.StdinPart.WriteTo(w)
		return err
	}
	_, err := w.Write(j.Stdin)
	return err
}

// Input returns the job's records as read: one record's Raw, or the raw
// records joined by spaces.
func (j *Job) Input() string {
	if len(j.Records) == 1 {
		return j.Records[0].Raw
	}
	raws := make([]string, len(j.Records))
	for i, r := range j.Records {
		raws[i] = r.Raw
	}
	return strings.Join(raws, " ")
}

// Data is what a template sees for this job on slot; multi is set for
// -N/-X jobs, where {n} is the n-th record rather than the n-th field.
func (j *Job) Data(slot int, multi bool) *template.Data {
	return &template.Data{Records: j.Records, Multi: multi, Seq: j.Seq, Slot: slot}
}
