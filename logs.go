package main

import (
	"bufio"
	"strings"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/output"
)

// runLogs are the files a run writes besides stdout: --results, --failed
// and --joblog, and what --resume read from the joblog.
type runLogs struct {
	// skip reports the jobs --resume skips; nil without --resume.
	skip    func(cmd job.Command) (ran, failed bool)
	closers []func() error
}

// openLogs opens the --results, --failed and --joblog files into out and
// reads the joblog for --resume.
func openLogs(o *options, out *output.Options) (logs *runLogs, err error) {
	logs = &runLogs{}
	defer func() {
		if err != nil {
			logs.close()
		}
	}()
	if o.resume {
		r, err := output.ReadResume(o.joblog, o.resumeAll)
		if err != nil {
			return logs, err
		}
		logs.skip = r.Skip
	}
	if o.joblog != "" {
		jl, err := output.OpenJoblog(o.joblog, o.resume || o.joblogAppend)
		if err != nil {
			return logs, err
		}
		out.Joblog = jl
		logs.closers = append(logs.closers, jl.Close)
	}
	if o.failed != "" {
		fw, err := output.OpenFailed(o.failed, failedDelimiter(o), o.sources())
		if err != nil {
			return logs, err
		}
		out.Failed = fw
		logs.closers = append(logs.closers, fw.Close)
	}
	if o.resultsDir != "" {
		if out.ResultsDir, err = output.OpenResultsDir(o.resultsDir); err != nil {
			return logs, err
		}
	}
	if o.results != "" {
		f, err := output.OpenResults(o.results, o.resume)
		if err != nil {
			return logs, err
		}
		bw := bufio.NewWriter(f)
		out.Results, out.ResultsPath = bw, o.results
		logs.closers = append(logs.closers, func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return output.WriteError("--results "+o.results, err)
			}
			return f.Close()
		})
	}
	return logs, nil
}

// failedDelimiter is what ends each record in the --failed file: the
// input's delimiter, but NUL when the input is one ::: source that has a
// value holding the delimiter (a newline), which would otherwise read back
// as two records; a command-line value cannot hold a NUL.
func failedDelimiter(o *options) string {
	if o.sources() != 1 || len(o.specs) != 1 || o.specs[0].Values == nil {
		return o.input.Delimiter
	}
	for _, v := range o.specs[0].Values {
		if strings.Contains(v, o.input.Delimiter) {
			return "\x00"
		}
	}
	return o.input.Delimiter
}

// close closes the files and reports the first write error.
func (l *runLogs) close() error {
	var first error
	for _, c := range l.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	l.closers = nil
	return first
}
