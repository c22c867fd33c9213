package output

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/input"
)

// appendRecord appends r's JSON result record (SPEC 5) and a newline;
// without withKey the "key" field is left out (--format map uses the key as
// the record's name).
func appendRecord(b []byte, r *exec.Result, withKey bool) []byte {
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
	b = appendOutput(b, "stdout", r.Stdout)
	b = appendOutput(b, "stderr", r.Stderr)
	return append(b, "}\n"...)
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

// appendOutput writes "name":"..." or, for bytes that are not UTF-8,
// "name_base64":"...", so that no output is ever mangled.
func appendOutput(b []byte, name string, buf interface{ Bytes() ([]byte, error) }) []byte {
	data, _ := buf.Bytes()
	if utf8.Valid(data) {
		b = append(b, `,"`+name+`":`...)
		return appendString(b, string(data))
	}
	b = append(b, `,"`+name+`_base64":"`...)
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, '"')
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

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
