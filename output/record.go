package output

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	if !inputUTF8(j.Records) {
		b = append(b, `,"input_base64":`...)
		if len(j.Records) == 1 {
			b = appendInputBase64(b, &j.Records[0])
		} else {
			b = append(b, '[')
			for i := range j.Records {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendInputBase64(b, &j.Records[i])
			}
			b = append(b, ']')
		}
	}
	b = append(b, `,"command":`...)
	if r.Command.IsShell() {
		b = appendString(b, r.Command.Script)
		if !utf8.ValidString(r.Command.Script) {
			b = append(b, `,"command_base64":`...)
			b = appendBase64(b, r.Command.Script)
		}
	} else {
		b = appendStrings(b, r.Command.Argv)
		if !allUTF8(r.Command.Argv) {
			b = append(b, `,"command_base64":`...)
			b = appendBase64s(b, r.Command.Argv)
		}
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

// inputUTF8 reports whether every record as appendInput writes it is
// UTF-8, so that "input" holds its bytes exactly. A JSON record that was
// read is UTF-8 (input rejects one that is not: it is then a string).
func inputUTF8(recs []input.Record) bool {
	for i := range recs {
		rec := &recs[i]
		switch {
		case rec.JSON != nil && rec.Err == nil:
		case rec.Fields != nil:
			if !allUTF8(rec.Fields) {
				return false
			}
		default:
			if !utf8.ValidString(rec.Raw) {
				return false
			}
		}
	}
	return true
}

// appendInputBase64 writes the record in the shape appendInput gives it,
// each string as base64: the lossless form of an "input" that is not
// UTF-8 (whose text has U+FFFD in place of the bytes that are not).
func appendInputBase64(b []byte, rec *input.Record) []byte {
	switch {
	case rec.JSON != nil && rec.Err == nil:
		return append(b, "null"...) // UTF-8 by construction
	case rec.Fields != nil:
		return appendBase64s(b, rec.Fields)
	}
	return appendBase64(b, rec.Raw)
}

// allUTF8 reports whether every string of ss is UTF-8.
func allUTF8(ss []string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// appendBase64 appends s as a JSON string of its standard base64.
func appendBase64(b []byte, s string) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, []byte(s))
	return append(b, '"')
}

// appendStrings appends ss as a JSON array of strings.
func appendStrings(b []byte, ss []string) []byte { return appendArray(b, ss, appendString) }

// appendBase64s appends ss as a JSON array of base64 strings.
func appendBase64s(b []byte, ss []string) []byte { return appendArray(b, ss, appendBase64) }

// appendArray appends ss as a JSON array, each element by appendOne.
func appendArray(b []byte, ss []string, appendOne func([]byte, string) []byte) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOne(b, s)
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
