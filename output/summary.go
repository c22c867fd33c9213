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
}

type firstFailure struct {
	own     bool // failed by itself, not skipped or stopped by pmap
	seq     int64
	command string
	err     string
}

// Add counts r.
func (s *Summary) Add(r *job.Result) {
	s.Total++
	if !r.Failed() {
		return
	}
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

// WriteTo writes the summary line, or nothing when every job succeeded.
func (s *Summary) WriteTo(w io.Writer) (int64, error) {
	if s.Failed == 0 {
		return 0, nil
	}
	var kinds []string
	for _, st := range []job.Status{job.StatusFailed, job.StatusSignal, job.StatusTimeout, job.StatusError, job.StatusSkipped} {
		if n := s.byStatus[st]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, st))
		}
	}
	jobs := "jobs"
	if s.Total == 1 {
		jobs = "job"
	}
	cmd := s.first.command
	if len(cmd) > 200 {
		cmd = cmd[:200] + "..."
	}
	n, err := fmt.Fprintf(w, "pmap: %d of %d %s failed (%s); first: job %d (%s): %s\n",
		s.Failed, s.Total, jobs, strings.Join(kinds, ", "), s.first.seq, cmd, s.first.err)
	return int64(n), err
}
