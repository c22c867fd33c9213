// Command pmap maps a command over a stream of inputs, in parallel: it
// reads records, expands a command template for each, runs the jobs on N
// workers and writes the results in input order, keyed, or as they finish.
//
// This package is the command line and nothing else: it turns the
// arguments into one typed value and wires it to input, exec and output.
// A reader follows a run through these files, in this order:
//
//   - flags.go: the one table of options (names, help, PMAP_<NAME>).
//   - options.go: every flag read once into options (with
//     options_output.go and options_values.go, the only code that asks the
//     flag parser; optionset.go: the type and what derives from it);
//     envcheck.go: warnings on PMAP_ variables; conflicts.go: the one
//     table of combinations that cannot work together.
//   - backend.go: the one switch that compiles the templates and picks the
//     runner (exec, shell, in-process shell, persistent workers, ssh hosts,
//     a launcher, Slurm steps; --pipe wraps any of them) and the worker
//     count.
//   - execute.go: the run itself (input, engine, output, logs), returning
//     an error; run.go maps every error to the exit code and is the one
//     place that prints "pmap: error:" and "pmap: hint:".
//   - signals.go, progress.go, logs.go: the run's signals, progress line
//     and log files; usage.go, help.go, completion.go: usage errors with
//     hints, --help and --completion.
package main
