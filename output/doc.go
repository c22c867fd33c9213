// Package output renders the results of a run: job output in input order,
// as jobs finish (-U) or line by line (--line-buffer, --ungroup), with
// --tag and --tagstring prefixes; JSON result records (--format json,
// --results, --failed); GNU parallel's joblog and --results directory
// layout; the summary line and the progress line. It imports the job model
// (exec/job), never the scheduler: what it writes depends only on results.
package output
