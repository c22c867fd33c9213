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
	{func(o *options) bool { return o.worker && (o.multi() || o.block.Records > 1) },
		"drop -N/-X", says("--worker sends one record per line: -N and -X do not apply")},
	{func(o *options) bool { return o.worker && o.dryRun },
		"drop --dry-run", says("--worker starts long-lived workers: there is no command per record to print")},
	{func(o *options) bool { return o.worker && o.pipe },
		"use one of them", says("--worker and --pipe both feed the command's stdin")},
	{func(o *options) bool { return o.worker && (len(o.hosts) > 0 || o.launcher != "") },
		"", says("--worker runs its workers on this machine: --ssh and --launcher do not apply")},
	{func(o *options) bool { return o.worker && o.backend == backendInProcess },
		"use --backend exec or shell", says("--worker runs the worker as a process: --backend inprocess does not apply")},

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
	{func(o *options) bool { return o.pipe && o.xargs }, pipeHint, says("--pipe and -X cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.CSV }, pipeHint, says("--pipe and --csv cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.TSV }, pipeHint, says("--pipe and --tsv cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.JSON }, pipeHint, says("--pipe and --json cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.Colsep != "" }, pipeHint, says("--pipe and --colsep cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.Header }, pipeHint, says("--pipe and --header cannot be combined")},
	{func(o *options) bool { return o.pipe && o.input.SkipEmpty }, pipeHint, says("--pipe and -r cannot be combined")},
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
