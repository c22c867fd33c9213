package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Flag categories, in the order --help shows them.
const (
	catInput    = "Input"
	catTemplate = "Template"
	catRunning  = "Running"
	catOutput   = "Output"
)

// envName is the environment variable that sets a long option:
// --arg-file -> PMAP_ARG_FILE.
func envName(long string) string {
	return "PMAP_" + strings.ToUpper(strings.ReplaceAll(long, "-", "_"))
}

func boolFlag(cat, name string, aliases []string, usage string) *cli.BoolFlag {
	return &cli.BoolFlag{Name: name, Aliases: aliases, Usage: usage, Category: cat, EnvVars: []string{envName(name)}}
}

func stringFlag(cat, name string, aliases []string, value, usage string) *cli.StringFlag {
	return &cli.StringFlag{Name: name, Aliases: aliases, Value: value, Usage: usage, Category: cat, EnvVars: []string{envName(name)}}
}

func sliceFlag(cat, name string, aliases []string, usage string) *cli.StringSliceFlag {
	return &cli.StringSliceFlag{Name: name, Aliases: aliases, Usage: usage, Category: cat, EnvVars: []string{envName(name)}}
}

// coreFlags are pmap's core options. Every long option can also be set from
// PMAP_<NAME>; the command line wins.
func coreFlags() []cli.Flag {
	return []cli.Flag{
		// Input
		sliceFlag(catInput, "arg-file", []string{"a"}, "read records from `FILE` instead of stdin (repeatable: each file is a source)"),
		boolFlag(catInput, "null", []string{"0"}, "records are separated by NUL bytes"),
		stringFlag(catInput, "delimiter", []string{"d"}, "", "records are separated by `S` (escapes \\t \\n \\0 \\xHH)"),
		stringFlag(catInput, "colsep", []string{"C"}, "", "split each record into fields {1}..{n} at `REGEX`"),
		boolFlag(catInput, "csv", nil, "records are RFC 4180 CSV rows (quoted fields, embedded newlines)"),
		boolFlag(catInput, "tsv", nil, "records are tab-separated rows"),
		boolFlag(catInput, "header", nil, "the first record names the fields: {name}"),
		boolFlag(catInput, "json", nil, "records are JSON lines: {name}, {a.b}, {a.0}"),
		boolFlag(catInput, "link", nil, "zip the ::: sources instead of taking their product"),
		stringFlag(catInput, "max-args", []string{"N"}, "", "`N` records per job"),
		boolFlag(catInput, "X", nil, "as many records per job as fit the argument limit; words with {} repeat per record"),
		boolFlag(catInput, "no-run-if-empty", []string{"r"}, "skip empty and blank records"),

		// Template
		sliceFlag(catTemplate, "var", nil, "a constant `NAME=VALUE`, used as {NAME} (repeatable)"),
		// --key has no PMAP_KEY variable: jobs get PMAP_KEY (their key), and
		// a pmap run inside a job must not take it for its own --key.
		&cli.StringFlag{Name: "key", Usage: "the key of each job, a `TEMPLATE` (default {#})", Category: catTemplate},

		// Running
		stringFlag(catRunning, "workers", []string{"n", "j"}, "auto", "run `N` jobs at once: auto (CPUs), N, N%, +N, -N"),
		stringFlag(catRunning, "backend", nil, "auto", "how jobs run: `auto`, exec (no shell), shell (sh -c), inprocess (embedded shell)"),
		stringFlag(catRunning, "shell", nil, "sh", "the `SHELL` for the shell backend and for commands read as records"),
		stringFlag(catRunning, "termseq", nil, "TERM,2s,KILL", "how a job is stopped: `SEQ` of signals and waits"),
		boolFlag(catRunning, "dry-run", nil, "print each command, shell-quoted, and run nothing"),
		stringFlag(catRunning, "timeout", nil, "", "stop a job after `D` (1.5s, 2m, seconds) or N% of the median runtime"),
		stringFlag(catRunning, "retries", nil, "0", "give a failed job up to `N` more attempts"),
		stringFlag(catRunning, "retry-delay", nil, "0", "wait `D` before the first retry, doubling each time"),
		stringFlag(catRunning, "halt", nil, "never", "stop the run: `POLICY` soon|now,fail|success|done=N or N%"),
		boolFlag(catRunning, "fail-fast", nil, "stop at the first failure, killing running jobs (--halt now,fail=1)"),

		// Output
		boolFlag(catOutput, "keep-order", []string{"k"}, "output in input order (the default; accepted for GNU parallel users)"),
		boolFlag(catOutput, "unordered", []string{"U"}, "output each job's block as soon as it finishes"),
		boolFlag(catOutput, "line-buffer", nil, "write whole lines as they come; jobs may interleave by line"),
		boolFlag(catOutput, "ungroup", []string{"u"}, "write bytes as they come"),
		boolFlag(catOutput, "tag", nil, "prefix each output line with the record and a TAB"),
		stringFlag(catOutput, "tagstring", nil, "", "prefix each output line with `TEMPLATE` and a TAB"),
		stringFlag(catOutput, "format", nil, "raw", "stdout: `raw` job output, json result records, or a json map by key"),
		boolFlag(catOutput, "verbose", []string{"v"}, "print each command on stderr before it runs"),
		stringFlag(catOutput, "results", nil, "", "also write every job's JSON record to `FILE` (JSON lines)"),
		stringFlag(catOutput, "failed", nil, "", "write the input records of failed jobs to `FILE`, to re-run them"),
		stringFlag(catOutput, "joblog", nil, "", "log finished jobs to `FILE` in GNU parallel's joblog format"),
		boolFlag(catOutput, "resume", nil, "skip jobs whose command the --joblog shows finished"),
		boolFlag(catOutput, "resume-failed", nil, "like --resume, but run the jobs that failed again"),
	}
}

// flags are pmap's options: the core ones above and each feature's.
func flags() []cli.Flag {
	all := coreFlags()
	all = append(all, workerFlags()...)
	all = append(all, progressFlags()...)
	all = append(all, throttleFlags()...)
	all = append(all, pipeFlags()...)
	all = append(all, remoteFlags()...)
	return all
}

// normalizeArgs rewrites the options before the template so that Go's flag
// parser accepts what GNU users type: glued values (-n4, -j4, -N2, -d,),
// grouped short switches (-kv), and GNU parallel's `--header :`. Parsing
// stops at the first word of the template, as it does in the flag package.
// given holds the primary name of every option the command line sets, so
// that the command line can win over PMAP_<NAME> variables.
func normalizeArgs(args []string, fl []cli.Flag) (out []string, given map[string]bool) {
	takesValue := map[string]bool{}
	isBool := map[string]bool{"help": true, "h": true, "version": true, "V": true}
	primary := map[string]string{}
	for _, f := range fl {
		_, b := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			primary[n] = f.Names()[0]
			if b {
				isBool[n] = true
			} else {
				takesValue[n] = true
			}
		}
	}
	given = map[string]bool{}
	out = append([]string(nil), args[:1]...)
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || !strings.HasPrefix(a, "-") {
			return append(out, args[i:]...), given
		}
		name := strings.TrimLeft(a, "-")
		if n, _, ok := strings.Cut(name, "="); ok {
			given[primary[n]] = true
			out = append(out, a)
			continue
		}
		switch {
		case takesValue[name]:
			given[primary[name]] = true
			out = append(out, a)
			if i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		case isBool[name]:
			given[primary[name]] = true
			out = append(out, a)
			if name == "header" && i+1 < len(args) && args[i+1] == ":" {
				i++ // GNU parallel's --header takes a value; ':' means the first line
			}
			continue
		}
		if strings.HasPrefix(a, "--") || len(name) < 2 {
			out = append(out, a) // unknown: the flag parser reports it
			continue
		}
		if first := name[:1]; takesValue[first] {
			given[primary[first]] = true
			out = append(out, "-"+first, name[1:])
			continue
		}
		for _, c := range name {
			if !isBool[string(c)] {
				out = append(out, a) // not a group of switches: the parser reports it
				goto next
			}
		}
		for _, c := range name {
			given[primary[string(c)]] = true
			out = append(out, "-"+string(c))
		}
	next:
	}
	return out, given
}
