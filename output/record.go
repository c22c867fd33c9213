package output

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/input"
)

// writeRecord writes r's JSON result record (SPEC 5), followed by end. The
// job's output is streamed from its buffers, so a record costs no more
// memory than one chunk of output whatever the output size. Without withKey
// the "key" field is left out (--format map names the record by its key).
func writeRecord(w io.Writer, r *job.Result, withKey bool, scratch []byte, end string) ([]byte, error) {
	return writeRecordValue(w, r, withKey, false, scratch, end)
}

// writeRecord writes r's record as the package function does, with the
// "value" field after the outputs when Options.Values asks for it.
func (w *Writer) writeRecord(out io.Writer, r *job.Result, withKey bool, scratch []byte, end string) ([]byte, error) {
	return writeRecordValue(out, r, withKey, w.opt.Values, scratch, end)
}

// writeRecordValue is writeRecord, adding the "value" field when value is
// set: after every other field, so the bytes of those stay as they were.
func writeRecordValue(w io.Writer, r *job.Result, withKey, value bool, scratch []byte, end string) ([]byte, error) {
	b := appendRecordHead(scratch[:0], r, withKey)
	if _, err := w.Write(b); err != nil {
		return b, err
	}
	if err := writeOutputField(w, "stdout", r.Stdout); err != nil {
		return b, err
	}
	if err := writeOutputField(w, "stderr", r.Stderr); err != nil {
		return b, err
	}
	if value {
		var err error
		b = append(b[:0], `,"value":`...)
		if b, err = appendValue(b, r); err != nil {
			return b, err
		}
		if _, err := w.Write(b); err != nil {
			return b, err
		}
	}
	_, err := io.WriteString(w, "}"+end)
	return b, err
}

// appendRecordHead appends every field of the record but the outputs.
func appendRecordHead(b []byte, r *job.Result, withKey bool) []byte {
	j := r.Job
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, j.Seq, 10)
	if withKey {
		b = append(b, `,"key":`...)
		b = appendString(b, j.Key)
	}
	b = append(b, `,"input":`...)
	if len(j.Records) == 1 {
		b = appendInput(b, &j.Records[0])
	} else {
		b = append(b, '[')
		for i := range j.Records {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInput(b, &j.Records[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"command":`...)
	if r.Command.IsShell() {
		b = appendString(b, r.Command.Script)
	} else {
		b = appendStrings(b, r.Command.Argv)
	}
	b = append(b, `,"slot":`...)
	b = strconv.AppendInt(b, int64(r.Slot), 10)
	b = append(b, `,"host":`...)
	b = appendString(b, r.Host)
	b = appendSlurm(b, r.Slurm)
	b = append(b, `,"status":`...)
	b = appendString(b, string(r.Status))
	b = append(b, `,"exit":`...)
	b = strconv.AppendInt(b, int64(r.Exit), 10)
	b = append(b, `,"signal":`...)
	b = appendString(b, r.Signal)
	b = append(b, `,"error":`...)
	if r.Err != nil {
		b = appendString(b, r.Err.Error())
	} else {
		b = append(b, `""`...)
	}
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(r.Attempts), 10)
	b = append(b, `,"start":`...)
	b = appendString(b, r.Start.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	b = append(b, `,"duration":`...)
	b = strconv.AppendFloat(b, r.Duration.Round(time.Microsecond).Seconds(), 'f', -1, 64)
	return b
}

// appendInput writes the record as read: the JSON value itself, an array of
// fields, or a string.
func appendInput(b []byte, rec *input.Record) []byte {
	switch {
	case rec.JSON != nil && rec.Err == nil:
		return append(b, rec.Raw...)
	case rec.Fields != nil:
		return appendStrings(b, rec.Fields)
	}
	return appendString(b, rec.Raw)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendSlurm appends the Slurm job and step ids of a job that ran as a
// step (--slurm), to join records with sacct; records of other runs have
// no such fields.
func appendSlurm(b []byte, step string) []byte {
	jobID, stepID, ok := strings.Cut(step, ".")
	j, err1 := strconv.ParseUint(jobID, 10, 64)
	st, err2 := strconv.ParseUint(stepID, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return b
	}
	b = append(b, `,"slurm_job":`...)
	b = strconv.AppendUint(b, j, 10)
	b = append(b, `,"slurm_step":`...)
	return strconv.AppendUint(b, st, 10)
}
