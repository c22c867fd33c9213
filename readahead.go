package main

// The input a run may read before its first job starts: the --header
// line, to check the templates' field names, and with {##} all of it.

import (
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// fieldTemplate is a compiled template and where it came from, for
// messages: the option ("" for the command) and its text.
type fieldTemplate struct {
	flag, text string
	t          *template.Template
}

// checkHeader reads the first record of a --header run before any job
// starts and checks every named field of the run's templates against the
// header's names: a typo ({nmae}) would otherwise fail every job. It
// returns the source with that record put back. Without a record (empty
// input, or one the input cannot read) there is nothing to check; the run
// reports it as it would.
func checkHeader(src input.Source, b *backend) (input.Source, error) {
	first, rest, err := input.Peek(src)
	if err != nil || first.Err != nil || first.Header == nil {
		return rest, nil
	}
	for _, f := range b.fields {
		if f.t == nil {
			continue
		}
		if err := f.t.CheckFields(first.Header.Names); err != nil {
			return rest, commandError(f.flag, f.text, err)
		}
	}
	return rest, nil
}

// usesTotal reports whether a template of the run holds {##}.
func (b *backend) usesTotal() bool {
	for _, f := range b.fields {
		if f.t != nil && f.t.UsesTotal() {
			return true
		}
	}
	return false
}

// countJobs reads all of src, as GNU parallel does for {##}, and sets the
// number of jobs its records make (-N of them per job) before the first
// starts. It returns a source that yields the records read.
func (b *backend) countJobs(o *options, src input.Source) input.Source {
	n, replay := input.Buffer(src)
	per := max(o.maxArgs, 1)
	b.total = int64((n + per - 1) / per)
	return replay
}
