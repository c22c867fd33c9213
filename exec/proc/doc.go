// Package proc is the toolkit every backend that starts processes builds
// on, and the one place pmap starts them (Start, and Run for os/exec):
// starting a command in a process group of its own, with its pipes,
// waiting when a limit of the system (processes, fds) refuses it, reaping
// it without a thread per waiting job, stopping the group with a
// termination sequence, keeping the running groups for the second Ctrl-C,
// copying and awaiting a job's output pipes (Collect: on Linux, on one
// goroutine that waits for its pipes and pidfd at once, in the poller),
// looking commands up once per run, and turning a start failure or an exit status into a job.Outcome.
//
// Supervise holds a run's processes to account: each carries the run's
// marker in its environment, pmap is a child subreaper on Linux (a process
// that left its job's group is killed when the job's Scope ends), and a
// lifeline process kills them all should pmap be killed.
//
// Each backend keeps its own policy (what to run, when to stop); proc
// holds only what they all do the same way, so that a job is started,
// stopped and reported alike whichever backend runs it.
package proc
