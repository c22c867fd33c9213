package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// The readers of the output and failure options (see options.go: only the
// options_*.go files ask the flag parser for a value).

func (r *reader) readOutput(o *options) error {
	c := r.c
	var err error
	o.formatName = c.String("format")
	if o.format, err = output.ParseFormat(o.formatName); err != nil {
		return usagef("", "--format: %v", err)
	}
	o.unordered, o.lineBuffer, o.ungroup = c.Bool("unordered"), c.Bool("line-buffer"), c.Bool("ungroup")
	o.keepOrder = c.Bool("keep-order")
	o.tag = c.Bool("tag")
	// --will-cite and --no-notice (GNU parallel's) are accepted and change
	// nothing: pmap prints no notices.
	o.files, o.tmpDir = c.Bool("files"), c.String("tmpdir")
	if o.tmpDir != "" {
		if st, err := os.Stat(o.tmpDir); err != nil || !st.IsDir() {
			return usagef("give an existing directory", "--tmpdir %q is not a directory", o.tmpDir)
		}
	}
	o.value, o.exitZero = c.Bool("value"), c.Bool("exit-zero")
	if s := c.String("fail-value"); s != "" {
		o.failValueSet = true
		if o.failValue, err = output.ParseFailValue(s); err != nil {
			return usagef("quote it for the shell: --fail-value '\"n/a\"'", "--fail-value: %v", err)
		}
	}
	return nil
}

// readFailures reads the options of timeouts, retries, halting and the
// logs that let a run be resumed.
func (r *reader) readFailures(o *options) error {
	c := r.c
	var err error
	if s := c.String("timeout"); s != "" {
		if o.timeout, err = exec.ParseTimeout(s); err != nil {
			return usagef("", "%v", err)
		}
	}
	if o.retries, err = strconv.Atoi(c.String("retries")); err != nil || o.retries < 0 {
		return usagef("", "--retries %q: want a whole number, 0 or more", c.String("retries"))
	}
	if o.retryDelay, err = proc.ParseDuration(c.String("retry-delay"), time.Second); err != nil {
		return usagef("", "--retry-delay: %v", err)
	}
	if o.halt, err = exec.ParseHalt(c.String("halt")); err != nil {
		return usagef("", "%v", err)
	}
	if c.Bool("fail-fast") {
		if r.given["halt"] {
			return usagef("--fail-fast is --halt now,fail=1: give one of them", "--fail-fast and --halt both set")
		}
		o.halt = exec.Halt{Kind: exec.HaltFail, Now: true, Count: 1}
	}
	o.failed, o.joblog = c.String("failed"), c.String("joblog")
	if o.results, o.resultsDir, err = resultsTarget(c.String("results")); err != nil {
		return err
	}
	if name, ok := strings.CutPrefix(o.joblog, "+"); ok {
		if name == "" {
			return usagef("write --joblog +FILE to append to FILE", "--joblog +: no file name")
		}
		o.joblog, o.joblogAppend = name, true
	}
	o.resume = c.Bool("resume") || c.Bool("resume-failed")
	o.resumeAll = c.Bool("resume-failed")
	o.retryFailed = c.Bool("retry-failed")
	return nil
}

// readRetryFailed makes the commands that --joblog shows failed the
// records of a run without a template (each record a command line), for
// --retry-failed; the log is appended to. A command line that also gives a
// template or input is left to checkConflicts.
func (r *reader) readRetryFailed(o *options) error {
	if !o.retryFailed || o.joblog == "" || len(o.words) > 0 || len(o.specs) > 0 || len(o.input.ArgFiles) > 0 {
		return nil
	}
	cmds, err := output.ReadRetry(o.joblog)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	o.specs = []input.Spec{{Values: cmds}}
	o.joblogAppend, o.retryRead = true, true
	return nil
}

// resultsTarget decides what --results NAME is, the one place of that rule:
// GNU parallel's directory layout (dir) when NAME ends in / or is an
// existing directory; pmap's JSON lines file when NAME is an existing file
// or ends in .json, .jsonl or .ndjson. Any other NAME is ambiguous (GNU
// parallel would make a directory of it, pmap made a JSON file): a usage
// error rather than a guess, and so are GNU's CSV and TSV files and its
// replacement strings in the name, which pmap does not write.
func resultsTarget(name string) (file, dir string, err error) {
	if name == "" {
		return "", "", nil
	}
	if strings.Contains(name, "{") && strings.Contains(name, "}") {
		return "", "", usagef("give a directory (DIR/) or a JSON lines file (FILE.jsonl)",
			"--results %q: replacement strings in the name are not supported", name)
	}
	if strings.HasSuffix(name, "/") {
		return "", name, nil
	}
	if st, err := os.Stat(name); err == nil {
		if st.IsDir() {
			return "", name, nil
		}
		return name, "", nil
	}
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".json", ".jsonl", ".ndjson":
		return name, "", nil
	case ".csv", ".tsv":
		return "", "", usagef("write JSON lines (--results FILE.jsonl) or GNU's directory layout (--results DIR/)",
			"--results %q: GNU parallel's %s results file is not supported", name, strings.TrimPrefix(ext, "."))
	}
	return "", "", usagef(fmt.Sprintf("write --results %s/ for GNU parallel's directory layout, or --results %s.jsonl for JSON lines", name, name),
		"--results %q: a new name without / or .jsonl could be a directory or a file", name)
}
