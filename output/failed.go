package output

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/input"
)

// Failed writes --failed: the input records of failed jobs in the input's
// own format (a header first, when the input had one), so that running the
// same pmap command on the file re-runs exactly the failures, each record
// reading back as the same bytes.
type Failed struct {
	f      *os.File
	path   string
	w      *bufio.Writer
	delim  string
	rows   bool   // several sources: records are TAB-separated CSV rows
	buf    []byte // a row being encoded
	header bool
	err    error
}

// OpenFailed creates path. delim ends each record (the input's delimiter);
// with "\n", a record that ends in a CR is ended by "\r\n", since a line
// reader takes one CR before the newline as part of the line break.
//
// With several sources (:::, ::::, -a) a record is a combination of values;
// it is written as one row of CSV with TAB as the separator, ended by a
// newline whatever delim is (appendRow), to be read back with
// --csv --colsep '\t'. A value that holds no TAB, newline, CR or double
// quote is written as it is, so a file of plain values is simply
// TAB-separated.
func OpenFailed(path, delim string, sources int) (*Failed, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--failed: %w", err)
	}
	if delim == "" {
		delim = "\n"
	}
	return &Failed{f: f, path: path, w: bufio.NewWriter(f), delim: delim, rows: sources > 1}, nil
}

// Write records r's input when r failed. It returns the error (a
// WriteError) when the file could not be written; nothing more is written
// after one.
func (fw *Failed) Write(r *job.Result) error {
	if fw == nil || fw.err != nil || !(r.Failed() || errors.Is(r.Err, job.ErrFailedEarlier)) {
		return nil
	}
	for i := range r.Job.Records {
		rec := &r.Job.Records[i]
		if rec.Header != nil && !fw.header {
			fw.header = true
			fw.writeRecord(rec.Header.Raw, rec.Header.Names)
		}
		fw.writeRecord(rec.Raw, rec.Fields)
	}
	// Flushed per job: a killed pmap leaves a usable file.
	if err := fw.w.Flush(); err != nil {
		fw.err = err
		return WriteError("--failed "+fw.path, err)
	}
	return nil
}

// writeRecord writes one record, as its raw text or as a row of fields.
func (fw *Failed) writeRecord(raw string, fields []string) {
	if fw.rows {
		if len(fields) == 0 {
			fields = []string{raw}
		}
		fw.buf = appendRow(fw.buf[:0], fields)
		fw.w.Write(fw.buf)
		return
	}
	fw.w.WriteString(raw)
	if fw.delim == "\n" {
		fw.w.WriteString(input.LineEnd(raw))
	} else {
		fw.w.WriteString(fw.delim)
	}
}

// appendRow appends fields as one line of CSV with TAB as the separator,
// which --csv --colsep '\t' reads back as the same fields, whatever
// their bytes. A field that holds a TAB, newline, CR or double quote, or
// starts with a byte order mark (which a reader drops at the start of a
// file), is quoted, its quotes doubled and a CR before a newline written
// twice (a CSV reader takes one CR before each newline as part of the
// line break, inside quotes too); the others are written as they are. A
// lone empty field is "" (an empty line is no row).
func appendRow(b []byte, fields []string) []byte {
	if len(fields) == 1 && fields[0] == "" {
		return append(b, "\"\"\n"...)
	}
	for i, f := range fields {
		if i > 0 {
			b = append(b, '\t')
		}
		if !strings.ContainsAny(f, "\t\n\r\"") && !strings.HasPrefix(f, "\ufeff") {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		for j := 0; j < len(f); j++ {
			switch c := f[j]; {
			case c == '"':
				b = append(b, '"', '"')
			case c == '\r' && j+1 < len(f) && f[j+1] == '\n':
				b = append(b, '\r', '\r')
			default:
				b = append(b, c)
			}
		}
		b = append(b, '"')
	}
	return append(b, '\n')
}

// Close closes the file and reports the first write error.
func (fw *Failed) Close() error {
	if fw == nil {
		return nil
	}
	err := fw.f.Close()
	if fw.err != nil {
		return fmt.Errorf("--failed: %w", fw.err)
	}
	return err
}
