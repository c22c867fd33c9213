package main

import (
	"fmt"

	"github.com/pmap-dev/pmap/output"
)

// conflict is a combination of options that cannot work together: when
// holds, the run stops before anything starts with msg and hint.
type conflict struct {
	when func(o *options) bool
	hint string
	msg  func(o *options) string
}

// says is a conflict message that depends on no value.
func says(msg string) func(*options) string { return func(*options) string { return msg } }

// pipeHint ends every "--pipe and X" conflict.
const pipeHint = "--pipe passes blocks of input as read, on stdin: there are no records, fields or arguments to work with"

// conflicts is the one table of what --worker, --pipe, --ssh, --launcher,
// -X, --dry-run and the output modes exclude, checked in this order; the
// first that holds is reported. Each backend or feature reads its options
// knowing that these combinations never reach it.
var conflicts = []conflict{
	// --worker: the template is a long-lived program per slot, fed one
	// record per line on its stdin, on this machine.
	{func(o *options) bool { return o.worker && len(o.words) == 0 },
		"pmap --worker python3 worker.py < records", says("--worker needs the worker program as the template")},
	{func(o *options) bool { return o.worker && (o.maxArgs > 1 || o.xargs || o.block.Records > 1) },
		"drop -N/-X", says("--worker sends one record per line: -N and -X do not apply")},
	{func(o *options) bool { return o.worker && o.dryRun },
		"drop --dry-run", says("--worker starts long-lived workers: there is no command per record to print")},
	{func(o *options) bool { return o.worker && o.pipe },
		"use one of them", says("--worker and --pipe both feed the command's stdin")},
	{func(o *options) bool { return o.worker && (len(o.hosts) > 0 || o.launcher != "") },
		"", says("--worker runs its workers on this machine: --ssh and --launcher do not apply")},
	{func(o *options) bool { return o.worker && o.backend == backendInProcess },
		"use --backend exec or shell", says("--worker runs the worker as a process: --backend inprocess does not apply")},

	// --retry-failed: the commands to run are the joblog's.
	{func(o *options) bool { return o.retryFailed && o.joblog == "" },
		"add --joblog FILE: the log says what failed", says("--retry-failed needs --joblog")},
	{func(o *options) bool {
		return o.retryFailed && (len(o.words) > 0 || len(o.input.ArgFiles) > 0 || len(o.specs) > 0 && !o.retryRead)
	}, "pmap --retry-failed --joblog FILE; to re-run failed records with a template, use --resume-failed",
		says("--retry-failed runs the commands the joblog shows failed: a template or input has no place")},
	{func(o *options) bool { return o.retryFailed && o.resume },
		"use one of them", says("--retry-failed and --resume both say what runs")},
	{func(o *options) bool { return o.retryFailed && o.pipe },
		"drop --pipe", says("--retry-failed runs the joblog's command lines: --pipe does not apply")},

	// --nice renices pmap, and so the jobs it starts on this machine.
	{func(o *options) bool { return o.nice != 0 && (len(o.hosts) > 0 || o.launcher != "" || o.slurm) },
		"write nice -n N in the template", says("--nice applies to jobs on this machine: --ssh, --launcher and --slurm jobs run elsewhere")},

	// --slurm: each job is a step of the allocation pmap runs in.
	{func(o *options) bool { return o.slurm && o.worker },
		"", says("--worker runs its workers on this machine: --slurm does not apply")},
	{func(o *options) bool { return o.slurm && len(o.hosts) > 0 }, "use one of them", says("--slurm and --ssh both place the jobs")},
	{func(o *options) bool { return o.slurm && o.launcher != "" },
		"give srun's flags with --slurm-args", says("--slurm and --launcher both place the jobs")},
	{func(o *options) bool { return o.slurm && o.perSlot() },
		"use PMAP_SLOT or {%} in the command", says("--slot-var and {slot0} are per slot of this machine: --slurm does not apply")},
	{func(o *options) bool { return o.slurm && o.backend == backendInProcess },
		"use --backend exec or shell", says("--slurm runs each job as an srun step: --backend inprocess does not apply")},

	// --default fills fields of JSON records.
	{func(o *options) bool { return len(o.defaults) > 0 && !o.input.JSON },
		"add --json, or give CSV and TSV columns their defaults in the data", says("--default applies to the fields of --json records")},

	// Per-slot values: the command is compiled per slot of this machine.
	{func(o *options) bool { return o.perSlot() && (len(o.hosts) > 0 || o.launcher != "") },
		"give each host its values in the template, or use PMAP_SLOT",
		says("--slot-var and {slot0} are per slot of this machine: --ssh and --launcher do not apply")},
	{func(o *options) bool { return o.perSlot() && o.backend == backendInProcess },
		"use --backend exec or shell", says("--slot-var and {slot0} give each slot its own command: --backend inprocess runs one program")},

	// --pipe: jobs get blocks of input on stdin, not records.
	{func(o *options) bool { return !o.pipe && o.blockSet },
		"add --pipe to feed blocks of input to the jobs' stdin", says("--block only applies with --pipe")},
	{func(o *options) bool { return !o.pipe && o.maxLinesSet },
		"use -N for records per job; -L is for --pipe", says("-L only applies with --pipe")},
	{func(o *options) bool { return o.pipePart && (o.pipeFile == "" || o.pipeFile == "-") },
		"give the file: pmap --pipepart -a FILE ...; a stream needs --pipe", says("--pipepart needs one -a FILE to cut")},
	{func(o *options) bool { return o.pipePart && (o.block.Records > 0 || o.block.Lines > 0) },
		"use --block SIZE, or --pipe -N/-L, which reads the records",
		says("--pipepart cuts the file by --block without reading it: -N and -L cannot be combined with it")},
	{func(o *options) bool { return !o.pipe && o.recSet },
		"add --pipe; records of arguments end at -d or -0", says("--recend, --recstart and --regexp only apply with --pipe")},
	{func(o *options) bool { return !o.pipe && o.header != "" && !o.input.Header },
		"without --pipe, a bare --header says the first record names the fields",
		func(o *options) string {
			return fmt.Sprintf("--header %s: a header of several lines or a REGEX only applies with --pipe", o.header)
		}},
	{func(o *options) bool { return o.pipe && o.xargs }, pipeHint, says("--pipe and -X cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.CSV }, pipeHint, says("--pipe and --csv cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.TSV }, pipeHint, says("--pipe and --tsv cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.JSON }, pipeHint, says("--pipe and --json cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.Colsep != "" }, pipeHint, says("--pipe and --colsep cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.SkipEmpty }, pipeHint, says("--pipe and -r cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.Shuffle }, pipeHint, says("--pipe and --shuf cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.EOF != "" }, pipeHint, says("--pipe and -E cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.Trim != "" }, pipeHint, says("--pipe and --trim cannot be combined")},
	{func(o *options) bool { return o.pipe && o.resume }, pipeHint, says("--pipe and --resume cannot be combined")},
	{func(o *options) bool { return o.pipe && o.failed != "" }, pipeHint, says("--pipe and --failed cannot be combined")},
	{func(o *options) bool { return o.pipe && len(o.specs) > 0 },
		"pipe the data in, or give it as -a FILE", says("--pipe reads standard input; ::: and :::: give arguments instead")},
	{func(o *options) bool { return o.pipe && len(o.input.ArgFiles) > 1 },
		"give one -a FILE, or concatenate them: cat A B | pmap --pipe ...",
		func(o *options) string {
			return fmt.Sprintf("--pipe reads one input; got %d -a files", len(o.input.ArgFiles))
		}},
	{func(o *options) bool { return o.pipe && len(o.words) == 0 },
		"give the command that reads each block, e.g. pmap --pipe wc -l", says("--pipe needs a command")},

	// -N 0 runs the command once per record with no arguments.
	{func(o *options) bool { return o.noArgs && (len(o.words) == 0 || o.worker) },
		"give the command to run once per record: seq 3 | pmap -N 0 date", says("-N 0 needs a command template")},
	{func(o *options) bool { return o.noArgs && (o.xargs || o.pipe) },
		"drop -N 0", says("-N 0 gives jobs no arguments: -X and --pipe do not apply")},

	// -X packs records into one command's arguments: there must be one.
	{func(o *options) bool { return o.xargs && len(o.words) == 0 },
		"give a command with {}", says("-X needs a command template")},

	// Structured output needs each job's output whole.
	{func(o *options) bool { return o.format != output.Raw && (o.lineBuffer || o.ungroup) },
		"drop --line-buffer/--ungroup", func(o *options) string {
			return fmt.Sprintf("--format %s needs each job's whole output", o.formatName)
		}},

	// -k and -U ask for opposite orders.
	{func(o *options) bool { return o.keepOrder && o.unordered },
		"drop one: output is in input order unless -U", says("-k and -U ask for opposite orders")},

	// Values: --value adds a field to result records; --fail-value is a
	// failed job's place in the compact forms.
	{func(o *options) bool {
		return o.value && o.format != output.JSON && o.format != output.Map && o.results == ""
	}, "use --format json or map, or --results FILE; --format object and array are values already",
		says("--value adds the value to result records: there are none to add it to")},
	{func(o *options) bool { return o.failValueSet && o.format != output.Object && o.format != output.Array },
		"use --format object or array", says("--fail-value is the value of a failed job in --format object and array")},

	// --files prints file names where the output would be.
	{func(o *options) bool { return o.files && o.format != output.Raw }, "use --format raw (the default)",
		func(o *options) string {
			return fmt.Sprintf("--files and --format %s cannot be combined", o.formatName)
		}},
	{func(o *options) bool { return o.files && (o.lineBuffer || o.ungroup) },
		"drop --line-buffer/--ungroup", says("--files needs each job's whole output")},
	{func(o *options) bool { return o.files && (o.tag || o.tagString != "") },
		"drop --tag/--tagstring", says("--files prints file names, which are not tagged")},

	// --results DIR/ writes each job's captured output to its directory.
	{func(o *options) bool { return o.resultsDir != "" && o.pipe },
		"use --results FILE.jsonl: GNU parallel writes every block's output over the last one's",
		says("--pipe and --results DIR/ cannot be combined: blocks have no values to name directories")},
	{func(o *options) bool { return o.resultsDir != "" && (o.lineBuffer || o.ungroup) },
		"drop --line-buffer/--ungroup", says("--results DIR/ needs each job's whole output")},

	// Resuming reads the joblog.
	{func(o *options) bool { return o.resume && o.joblog == "" },
		"add --joblog FILE: resuming reads it", says("--resume needs --joblog")},
}

// checkConflicts reports the first conflict of o, as a usage error.
func checkConflicts(o *options) error {
	for _, c := range conflicts {
		if c.when(o) {
			return usagef(c.hint, "%s", c.msg(o))
		}
	}
	return nil
}
