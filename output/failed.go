package output

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/input"
)

// Failed writes --failed: the input records of failed jobs in the input's
// own format (a header first, when the input had one), so that running the
// same pmap command on the file re-runs exactly the failures.
type Failed struct {
	f      *os.File
	path   string
	w      *bufio.Writer
	delim  string
	tabbed bool
	header bool
	err    error
}

// OpenFailed creates path. delim ends each record (the input's delimiter).
// With several sources (:::, ::::, -a) a record is a combination of values;
// it is written as the values separated by TABs, to be read back with
// --colsep '\t'.
func OpenFailed(path, delim string, sources int) (*Failed, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--failed: %w", err)
	}
	return &Failed{f: f, path: path, w: bufio.NewWriter(f), delim: delim, tabbed: sources > 1}, nil
}

// Write records r's input when r failed. It returns the error (a
// WriteError) when the file could not be written; nothing more is written
// after one.
func (fw *Failed) Write(r *job.Result) error {
	if fw == nil || fw.err != nil || !r.Failed() {
		return nil
	}
	for i := range r.Job.Records {
		rec := &r.Job.Records[i]
		if rec.Header != nil && !fw.header {
			fw.header = true
			fw.w.WriteString(rec.Header.Raw)
			fw.w.WriteString(fw.delim)
		}
		fw.w.WriteString(failedText(rec, fw.tabbed))
		fw.w.WriteString(fw.delim)
	}
	// Flushed per job: a killed pmap leaves a usable file.
	if err := fw.w.Flush(); err != nil {
		fw.err = err
		return WriteError("--failed "+fw.path, err)
	}
	return nil
}

func failedText(rec *input.Record, tabbed bool) string {
	if tabbed && rec.Fields != nil {
		return strings.Join(rec.Fields, "\t")
	}
	return rec.Raw
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
