package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/worker"
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

// defaultWorkerRestarts is how many times in a row a slot's worker may end
// before reading its record and be started again: enough to ride out a
// start-up that fails now and then, few enough that a broken worker stops
// the run after a handful of failed records.
const defaultWorkerRestarts = 3

// flags are pmap's options, one table: options.go reads each of them
// once. Every long option but the modeSwitches can also be set from
// PMAP_<NAME>; the command line wins.
func flags() []cli.Flag {
	fl := []cli.Flag{
		// Input
		sliceFlag(catInput, "arg-file", []string{"a"}, "read records from `FILE` instead of stdin (repeatable: each file is a source)"),
		boolFlag(catInput, "null", []string{"0"}, "records are separated by NUL bytes"),
		stringFlag(catInput, "delimiter", []string{"d"}, "", "records are separated by `S` (escapes \\t \\n \\0 \\xHH)"),
		stringFlag(catInput, "colsep", []string{"C"}, "", "split each record into fields {1}..{n} at `REGEX`"),
		boolFlag(catInput, "csv", nil, "records are RFC 4180 CSV rows (quoted fields, embedded newlines)"),
		boolFlag(catInput, "tsv", nil, "records are tab-separated rows"),
		// --header takes an optional value, as in GNU parallel: normalizeArgs
		// writes a bare --header as --header=: (the first line).
		stringFlag(catInput, "header", nil, "", "the first record names the fields: {name}; with --pipe, `[N|REGEX]`: the first N lines, or what REGEX matches, start every block"),
		boolFlag(catInput, "json", nil, "records are JSON lines: {name}, {a.b}, {a.0}"),
		boolFlag(catInput, "link", []string{"xapply"}, "zip the ::: sources instead of taking their product"),
		stringFlag(catInput, "max-args", []string{"N"}, "", "`N` records per job"),
		boolFlag(catInput, "m", nil, "as -X, for GNU parallel's -m: each {} (a word of its own) is all the job's records, as separate arguments"),
		boolFlag(catInput, "X", nil, "as many records per job as fit the argument limit; words with {} repeat per record"),
		stringFlag(catInput, "trim", nil, "", "trim white space off records and --colsep fields: `SIDE` n, l, r or lr (GNU --trim)"),
		boolFlag(catInput, "no-run-if-empty", []string{"r"}, "skip empty and blank records"),
		boolFlag(catInput, "shuf", nil, "run the jobs in random order ({#} and output follow it; reads all input first)"),
		stringFlag(catInput, "eof", []string{"E"}, "", "a source ends at the record `STR`: it and the rest are not read (xargs -E)"),
		stringFlag(catInput, "arg-sep", nil, "", "`SEP` starts a source of values instead of ::: (SEP+ links it)"),
		stringFlag(catInput, "arg-file-sep", nil, "", "`SEP` starts sources of files instead of :::: (SEP+ links them)"),
		boolFlag(catInput, "pipe", nil, "cut the input into blocks of whole records and feed each block to a job's stdin"),
		boolFlag(catInput, "pipepart", nil, "--pipe for the one -a FILE, seekable: each job reads its part of the file itself"),
		stringFlag(catInput, "block", nil, "1M", "--pipe blocks of up to `SIZE` (bytes, or 512k, 10M: K M G are 1024-based)"),
		stringFlag(catInput, "max-lines", []string{"L"}, "", "--pipe: `N` records make one that blocks never split (4 for FASTQ)"),
		stringFlag(catInput, "recend", nil, "", "--pipe: records end with `STR` (default \\n; \\n \\t \\r \\0 \\\\ are escapes)"),
		stringFlag(catInput, "recstart", nil, "", "--pipe: records start with `STR`"),
		boolFlag(catInput, "regexp", nil, "--pipe: --recend and --recstart are regular expressions"),

		// Template
		boolFlag(catTemplate, "quote", []string{"q"}, "keep each template word one argument, as given (GNU -q): sh -c 'echo \"$1\"' _ {}"),
		boolFlag(catTemplate, "plus", nil, "accepted for GNU parallel: {+/} {+.} {..} {...} {##} {:-VALUE} work without it"),
		sliceFlag(catTemplate, "var", nil, "a constant `NAME=VALUE`, used as {NAME} (repeatable)"),
		sliceFlag(catTemplate, "default", nil, "`NAME=VALUE`: a --json record's field NAME that is missing, null or \"\" is VALUE (repeatable)"),
		sliceFlag(catTemplate, "slot-var", nil, "`NAME=V1,V2,...`: worker slot i gets the i-th value as {NAME} (sets -n; repeatable)"),
		// --key has no PMAP_KEY variable: jobs get PMAP_KEY (their key), and
		// a pmap run inside a job must not take it for its own --key.
		&cli.StringFlag{Name: "key", Usage: "the key of each job, a `TEMPLATE` (default {#})", Category: catTemplate},

		// Running
		stringFlag(catRunning, "workers", []string{"n", "j", "jobs", "max-procs", "P"}, "auto", "run `N` jobs at once: auto (CPUs), N, N%, +N, -N, 0 (as many as possible)"),
		stringFlag(catRunning, "backend", nil, "auto", "how jobs run: `auto`, exec (no shell), shell (sh -c), inprocess (embedded shell)"),
		stringFlag(catRunning, "shell", nil, "sh", "the `SHELL` for the shell backend and for commands read as records"),
		stringFlag(catRunning, "termseq", nil, "TERM,2s,KILL", "how a job is stopped: `SEQ` of signals and waits"),
		boolFlag(catRunning, "dry-run", []string{"dryrun"}, "print each command, shell-quoted, and run nothing"),
		stringFlag(catRunning, "timeout", nil, "", "stop a job after `D` (1.5s, 2m, seconds) or N% of the median runtime"),
		stringFlag(catRunning, "retries", nil, "0", "give a failed job up to `N` more attempts"),
		stringFlag(catRunning, "retry-delay", nil, "0", "wait `D` before the first retry, doubling each time"),
		stringFlag(catRunning, "halt", []string{"halt-on-error"}, "never", "stop the run: `POLICY` soon|now,fail|success|done=N or N%"),
		boolFlag(catRunning, "fail-fast", nil, "stop at the first failure, killing running jobs (--halt now,fail=1)"),
		boolFlag(catRunning, "worker", nil, "the template is a worker started once per slot; each record is a line on its stdin, its answer line the job's output"),
		stringFlag(catRunning, "worker-restarts", nil, strconv.Itoa(defaultWorkerRestarts), "stop the run when a worker ends more than `N` times in a row before reading a record"),
		stringFlag(catRunning, "nice", nil, "", "run jobs (and pmap) at niceness `N` more than now, as nice -n N"),
		stringFlag(catRunning, "worker-window", nil, strconv.Itoa(worker.DefaultWindow), "a worker holds up to `N` records at once, sent and not yet answered"),
		stringFlag(catRunning, "delay", nil, "", "wait at least `D` between job starts (0.5s, 2m, seconds)"),
		stringFlag(catRunning, "load", nil, "", "start a job only while the 1-minute load average is below `N` (or N% of the CPUs)"),
		stringFlag(catRunning, "memfree", nil, "", "start a job only while more than `SIZE` of memory is available (512M, 2G)"),
		sliceFlag(catRunning, "ssh", nil, "run jobs on `LOGIN`: [N/][user@]host[:port], : for this machine (repeatable, or comma-separated)"),
		stringFlag(catRunning, "ssh-login-file", nil, "", "read --ssh logins from `FILE`, one per line"),
		stringFlag(catRunning, "ssh-cmd", nil, "ssh", "the ssh `COMMAND` and its options, for --ssh"),
		stringFlag(catRunning, "launcher", nil, "", "run each job behind the launcher `TEMPLATE` of a cluster engine (srun, kubectl exec)"),
		boolFlag(catRunning, "slurm", nil, "run each job as a step of the Slurm allocation pmap runs in (srun -Q --exclusive -N1 -n1 --mem=0)"),
		stringFlag(catRunning, "slurm-args", nil, "", "more srun `FLAGS` for every --slurm step (a template: {%}, {#})"),
		stringFlag(catRunning, "slurm-wait", nil, "", "a --slurm step that cannot start within `D` fails (srun --immediate)"),
		stringFlag(catInput, "shard", nil, "", "run only every N-th job, from the K-th: `K/N` (K modulo N; $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)"),

		// Output
		boolFlag(catOutput, "keep-order", []string{"k"}, "output in input order (the default); with --line-buffer, lines in input order"),
		boolFlag(catOutput, "unordered", []string{"U"}, "output each job's block as soon as it finishes"),
		boolFlag(catOutput, "line-buffer", []string{"linebuffer", "lb"}, "write whole lines as they come; jobs may interleave by line"),
		boolFlag(catOutput, "ungroup", []string{"u"}, "write bytes as they come"),
		boolFlag(catOutput, "tag", nil, "prefix each output line with the record and a TAB"),
		stringFlag(catOutput, "tagstring", nil, "", "prefix each output line with `TEMPLATE` and a TAB"),
		stringFlag(catOutput, "format", nil, "raw", "stdout: `raw` job output, json result records, map (key -> record), object (key -> value) or array (values)"),
		boolFlag(catOutput, "value", nil, "add each job's output as a value to its result records: parsed JSON, or the text without its final newline"),
		stringFlag(catOutput, "fail-value", nil, "", "the value of a failed job in --format object and array, a `JSON` document (default null)"),
		boolFlag(catOutput, "exit-zero", nil, "exit 0 when jobs failed: the records say which (usage errors, bad input, --halt and signals keep their codes)"),
		boolFlag(catOutput, "verbose", []string{"v"}, "print each command on stderr before it runs"),
		stringFlag(catOutput, "results", nil, "", "also write every job's JSON record to `FILE` (JSON lines), or its output to DIR/ in GNU parallel's layout"),
		boolFlag(catOutput, "files", nil, "write each job's output to a file in the --tmpdir and print the file's name instead"),
		stringFlag(catOutput, "tmpdir", nil, "", "`DIR` for --files and for output that does not fit in memory (default $TMPDIR or /tmp)"),
		stringFlag(catOutput, "failed", nil, "", "write the input records of failed jobs to `FILE`, to re-run them"),
		stringFlag(catOutput, "joblog", nil, "", "log finished jobs to `FILE` in GNU parallel's joblog format"),
		boolFlag(catOutput, "resume", nil, "skip jobs whose command the --joblog shows finished"),
		boolFlag(catOutput, "resume-failed", nil, "like --resume, but run the jobs that failed again"),
		boolFlag(catOutput, "retry-failed", nil, "run again the commands the --joblog shows failed (no template, no input)"),
		boolFlag(catOutput, "progress", []string{"eta", "bar"}, "show progress on stderr (done/total, failed, jobs/s, ETA), also when stderr is not a terminal"),
		boolFlag(catOutput, "no-progress", nil, "never show progress (by default it shows when stderr is a terminal and stdout is not)"),

		// GNU parallel's options that change nothing here: accepted so that
		// its scripts run, hidden from --help, and with no variable.
		// (Two flags: urfave/cli refuses two aliases of one flag together.)
		&cli.BoolFlag{Name: "will-cite", Usage: "accepted for GNU parallel scripts; does nothing (pmap prints no notices)", Category: catOutput, Hidden: true},
		&cli.BoolFlag{Name: "no-notice", Usage: "accepted for GNU parallel scripts; does nothing (pmap prints no notices)", Category: catOutput, Hidden: true},
	}
	for _, f := range fl {
		if isModeSwitch(f) {
			clearEnvVars(f)
		}
	}
	return fl
}

// modeSwitches are the options that change what the template is or what
// its replacement strings stand for: a worker program, a consumer of
// blocks, several records per job, fields instead of the whole record.
// They have no PMAP_<NAME> variable: one left in the environment (or one
// letter from another, PMAP_WORKER for PMAP_WORKERS) would silently run a
// different command for every record, in this run and every pmap below
// it. envcheck.go warns about their variables.
var modeSwitches = []string{"worker", "pipe", "pipepart", "X", "m", "quote", "trim", "max-args", "json", "csv", "tsv", "header", "colsep", "retry-failed"}

// isModeSwitch reports whether f is one of modeSwitches.
func isModeSwitch(f cli.Flag) bool { return slices.Contains(modeSwitches, f.Names()[0]) }

// clearEnvVars takes away the PMAP_<NAME> variable of f.
func clearEnvVars(f cli.Flag) {
	switch f := f.(type) {
	case *cli.BoolFlag:
		f.EnvVars = nil
	case *cli.StringFlag:
		f.EnvVars = nil
	case *cli.StringSliceFlag:
		f.EnvVars = nil
	}
}

// hiddenAliases are the spellings of GNU parallel and xargs that pmap
// accepts as aliases of its own options (-P4, --jobs 4, --dryrun, --lb):
// --help and the completion scripts show only pmap's spelling; the
// manual lists them beside it.
var hiddenAliases = []string{"jobs", "max-procs", "P", "dryrun", "linebuffer", "lb", "xapply", "halt-on-error", "eta", "bar"}

// infoFlags are the options that print something about pmap and exit.
// They have no PMAP_<NAME> variable: PMAP_HELP=1 or PMAP_COMPLETION=bash
// must not turn every run into printing something else.
func infoFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "print this help and exit"},
		&cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version and exit"},
		&cli.StringFlag{Name: "completion", Usage: "print the completion script for `SHELL` (bash, zsh or fish) and exit"},
	}
}

// allFlags are every option pmap reads, in the order --help shows them.
func allFlags() []cli.Flag { return append(flags(), infoFlags()...) }

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
		if name == "header" {
			given["header"] = true
			if i+1 < len(args) && headerValue(args, i+1, given, takesValue, isBool) {
				i++
				out = append(out, "--header="+args[i])
			} else {
				out = append(out, "--header=:")
			}
			continue
		}
		if n, _, ok := strings.Cut(name, "="); ok {
			given[primary[n]] = true
			given[spelledN] = given[spelledN] || n == "n"
			out = append(out, a)
			continue
		}
		switch {
		case takesValue[name]:
			given[primary[name]] = true
			given[spelledN] = given[spelledN] || name == "n"
			out = append(out, a)
			if i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		case isBool[name]:
			given[primary[name]] = true
			out = append(out, a)
			continue
		}
		if strings.HasPrefix(a, "--") || len(name) < 2 {
			out = append(out, a) // unknown: the flag parser reports it
			continue
		}
		if first := name[:1]; takesValue[first] {
			given[primary[first]] = true
			given[spelledN] = given[spelledN] || first == "n"
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

// spelledN is the key of given that says -n was spelled -n, not -j or
// --workers: its 0 is GNU parallel's --max-args 0 there, and refused.
const spelledN = "-n"

// headerValue reports whether args[i], after a --header, is its value:
// ":" (GNU parallel's first line) or a number of lines always; any other
// word only with --pipe (or --pipepart) among the options before or after it, where
// GNU's --header always takes a value (a header regular expression).
// Elsewhere a bare --header is pmap's "the first record names the fields"
// and the word is the command.
func headerValue(args []string, i int, given, takesValue, isBool map[string]bool) bool {
	v := args[i]
	if v == ":" || (v != "" && strings.Trim(v, "0123456789") == "") {
		return true
	}
	if strings.HasPrefix(v, "-") {
		return false
	}
	if given["pipe"] || given["pipepart"] {
		return true
	}
	for j := i + 1; j < len(args) && strings.HasPrefix(args[j], "-") && args[j] != "--" && args[j] != "-"; j++ {
		name, _, glued := strings.Cut(strings.TrimLeft(args[j], "-"), "=")
		if name == "pipe" || name == "pipepart" {
			return true
		}
		if !takesValue[name] && !isBool[name] {
			return false // not pmap's: the command's own options
		}
		if takesValue[name] && !glued {
			j++
		}
	}
	return false
}
