// Package proc is the toolkit every backend that starts processes builds
// on: starting a command in a process group of its own, stopping the group
// with a termination sequence, keeping the running groups for the second
// Ctrl-C, copying and awaiting a job's output pipes, looking commands up
// once per run, and turning a start failure or an exit status into a
// job.Outcome. Each backend keeps its own policy (what to run, when to
// stop); proc holds only what they all do the same way, so that a job is
// started, stopped and reported alike whichever backend runs it.
package proc
