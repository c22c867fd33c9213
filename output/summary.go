package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/pmap-dev/pmap/exec/job"
)

// Summary counts results by status and remembers the first failure, for the
// one line pmap prints at the end of a run with failures.
type Summary struct {
	Total    int
	Failed   int
	byStatus map[job.Status]int
	first    *firstFailure

	// Stop names what stopped the run before its end ("SIGHUP"), for a
	// summary without failures; "" for a run that was not stopped.
	Stop string
	// Unread is set when a stop left input unread; UnreadJobs is then how
	// many jobs it holds, 0 when that is not known.
	Unread     bool
	UnreadJobs int64
	// Resume says how to run what a stop left undone; written only after
	// a stop that left something.
	Resume string
	// terminal is set when the summary goes to a terminal: the first
	// failure's command and error, which hold input, are escaped.
	terminal bool
}

type firstFailure struct {
	own     bool // failed by itself, not skipped or stopped by pmap
	seq     int64
	command string
	err     string
}

// Add counts r (each job of a block, Result.Batch).
func (s *Summary) Add(r *job.Result) {
	s.Total += r.Jobs()
	if r.Failed() {
		s.fail(r)
	}
}

// Skipped is how many jobs did not run, or did not finish, because the
// run was being stopped.
func (s *Summary) Skipped() int { return s.byStatus[job.StatusSkipped] }

// lost counts r, added before, as failed: its output could not be written.
func (s *Summary) lost(r *job.Result) { s.fail(r) }

// fail counts the failure r.
func (s *Summary) fail(r *job.Result) {
	s.Failed++
	if s.byStatus == nil {
		s.byStatus = make(map[job.Status]int)
	}
	s.byStatus[r.Status]++
	// The first failure is the lowest job number among the jobs that failed
	// on their own; jobs pmap skipped or stopped are named only when no
	// other job failed.
	own := r.Status != job.StatusSkipped
	if s.first == nil || (own && !s.first.own) || (own == s.first.own && r.Job.Seq < s.first.seq) {
		f := &firstFailure{seq: r.Job.Seq, command: r.Command.String(), own: own}
		if f.command == "" {
			f.command = r.Job.Input() // the template could not be expanded for it
		}
		if r.Err != nil {
			f.err = r.Err.Error()
		}
		s.first = f
	}
}

// WriteTo writes the summary line, or nothing when every job succeeded
// and no input was left unread.
func (s *Summary) WriteTo(w io.Writer) (int64, error) {
	if s.Failed == 0 && !s.Unread {
		return 0, nil
	}
	var b strings.Builder
	if s.Failed > 0 {
		s.writeFailures(&b)
	} else {
		fmt.Fprintf(&b, "pmap: %d %s done, then stopped by %s", s.Total, plural(s.Total, "job", "jobs"), s.Stop)
	}
	switch {
	case s.UnreadJobs > 0:
		fmt.Fprintf(&b, "; %d more %s never read", s.UnreadJobs, plural(int(s.UnreadJobs), "job", "jobs"))
	case s.Unread:
		b.WriteString("; input not read to its end")
	}
	if s.Stop != "" && s.Resume != "" {
		b.WriteString("; ")
		b.WriteString(s.Resume)
	}
	b.WriteByte('\n')
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeFailures writes how many jobs failed, by kind, and the first.
func (s *Summary) writeFailures(w io.Writer) {
	var kinds []string
	for _, st := range []job.Status{job.StatusFailed, job.StatusSignal, job.StatusTimeout, job.StatusError, job.StatusSkipped} {
		if n := s.byStatus[st]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, st))
		}
	}
	cmd, msg := s.first.command, s.first.err
	if len(cmd) > 200 {
		cmd = cmd[:200] + "..."
	}
	if s.terminal {
		cmd, msg = TerminalSafe(cmd), TerminalSafe(msg)
	} else {
		// Elsewhere the line is as the job had it, but for a NUL (a
		// command may hold one in a quoted word): it would make the log
		// a binary file to grep and cut the line for C programs.
		cmd, msg = strings.ReplaceAll(cmd, "\x00", `\x00`), strings.ReplaceAll(msg, "\x00", `\x00`)
	}
	fmt.Fprintf(w, "pmap: %d of %d %s failed (%s); first: job %d (%s): %s",
		s.Failed, s.Total, plural(s.Total, "job", "jobs"), strings.Join(kinds, ", "), s.first.seq, cmd, msg)
}
