package main

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/output"
)

// countGrace bounds the count of the input a stopped run left unread: the
// summary says how many jobs that is when it is quick to know (::: values,
// a file of moderate size), and only that input was left otherwise.
const countGrace = 250 * time.Millisecond

// noteLeft completes the summary of a run a signal stopped with what the
// stop left undone: the jobs it kept from starting are already in it, as
// skipped; here go the input left unread (how many jobs, when they can be
// counted quickly) and how to run the rest. count counts the run's jobs,
// nil when they cannot be counted. It reports whether SIGHUP, whose run
// otherwise ends as usual, left anything undone (exit 129).
func noteLeft(o *options, e *exec.Engine, sigs *signalWatch, s *output.Summary, count func(context.Context) (int64, error)) bool {
	code, hup := sigs.exitCode(), sigs.hungUp()
	if code == 0 && !hup {
		return false
	}
	notStarted, unread := e.Left()
	s.Stop = "SIGHUP"
	for sig, c := range signalExit {
		if c == code {
			s.Stop = unix.SignalName(sig)
		}
	}
	if unread && count != nil {
		// The reader stopped before the end of input: was there more?
		ctx, cancel := context.WithTimeout(context.Background(), countGrace)
		n, err := count(ctx)
		cancel()
		if err == nil {
			s.UnreadJobs = max(n-int64(s.Total), 0)
			unread = s.UnreadJobs > 0
		}
	}
	s.Unread = unread
	if unread || s.Skipped() > 0 {
		s.Resume = resumeHint(o, unread)
	}
	return code == 0 && (notStarted > 0 || unread)
}

// resumeHint says how to run what a stopped run left undone, with the logs
// this run keeps.
func resumeHint(o *options, unread bool) string {
	switch {
	case o.joblog != "" && o.resume && o.resumeAll:
		return "to resume: the same command (--resume-failed)"
	case o.joblog != "":
		return "to resume: the same command with --resume"
	case o.failed != "" && !unread:
		return fmt.Sprintf("to re-run what is left: -a %s (--failed)", o.failed)
	case o.failed != "":
		return fmt.Sprintf("to resume: %s (--failed) holds the jobs read, not the unread input; --joblog FILE and --resume cover both", o.failed)
	}
	return "to resume a run, give it --failed FILE or --joblog FILE (then --resume)"
}
