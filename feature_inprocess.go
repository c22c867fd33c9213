package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/inprocess"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// inprocessAvailable says whether --backend inprocess is built; auto picks
// it for templates with shell syntax when it is.
const inprocessAvailable = true

// newInProcess returns the in-process shell runner for the template words.
//
// With --backend auto it returns no runner (and no error) when a real shell
// suits the template better, so that the shell backend runs it as before:
// --shell or PMAP_SHELL names a shell, the template uses what only a shell
// process has ($$, $!, signal traps, kill, ulimit...), or the interpreter
// cannot take it. With --backend inprocess those are errors, except the
// process features, which then behave as the man page says.
func newInProcess(c *cli.Context, words []string, opts template.Options, multi bool) (job.Runner, error) {
	auto := c.String("backend") == "auto"
	if auto && c.IsSet("shell") {
		return nil, nil
	}
	v, err := template.CompileVars(words, opts)
	if err == nil {
		var ip *inprocess.InProcess
		if ip, err = inprocess.New(v, multi); err == nil {
			if auto && ip.ShellOnly() != "" {
				return nil, nil
			}
			// An invalid --termseq is reported when the process backend
			// reads it; the default stands in until then.
			if seq, err := proc.ParseTermSeq(c.String("termseq")); err == nil {
				ip.TermSeq = seq
			}
			return ip, nil
		}
	}
	if auto {
		return nil, nil
	}
	return nil, fmt.Errorf("--backend inprocess: %w", err)
}
