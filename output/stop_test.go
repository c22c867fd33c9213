package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// countingWriter counts what reaches stdout.
type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}

// Once Stop says the output is given up (the second Ctrl-C), the copy of a
// large output ends between two chunks, even line by line with --tag, and
// every job whose output was not written is a failure that --failed lists:
// no output is dropped silently.
func TestStopCutsOutputShort(t *testing.T) {
	for _, tag := range []bool{false, true} {
		// A small memory budget: most of the output is in the spill file.
		sp := spool.New(1<<20, t.TempDir())
		out := &countingWriter{}
		givenUp := errors.New("output not written: stopped by a second SIGINT")
		var stop error
		big := result(sp, 1, "a", strings.Repeat("0123456789abcde\n", 1<<20)) // 16 MiB
		total := int(big.Stdout.Len())
		failedPath := filepath.Join(t.TempDir(), "failed")
		fw, err := OpenFailed(failedPath, "\n", 1)
		if err != nil {
			t.Fatal(err)
		}
		w := New(Options{Stdout: out, Stderr: &bytes.Buffer{}, Tag: tag, Failed: fw, Stop: func() error {
			if out.n >= 1<<20 {
				stop = givenUp // given up once 1 MiB is out
			}
			return stop
		}})
		own := result(sp, 3, "c", "")
		own.Status, own.Err = job.StatusFailed, errors.New("exit status 1")
		consume(w, big, result(sp, 2, "b", "more\n"), own)
		fw.Close()
		sp.Close()

		if out.n >= total/2 {
			t.Errorf("tag %v: %d of %d bytes written after the output was given up at 1 MiB", tag, out.n, total)
		}
		if big.Status != job.StatusSkipped || !errors.Is(big.Err, givenUp) {
			t.Errorf("tag %v: job cut short: %s %v", tag, big.Status, big.Err)
		}
		if own.Status != job.StatusFailed {
			t.Errorf("tag %v: a job that failed on its own became %s", tag, own.Status)
		}
		if w.Summary.Failed != 3 || w.Summary.Total != 3 {
			t.Errorf("tag %v: summary counts %d of %d failed, want 3 of 3", tag, w.Summary.Failed, w.Summary.Total)
		}
		data, err := os.ReadFile(failedPath)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "a\nb\nc\n" {
			t.Errorf("tag %v: --failed holds %q, want a, b and c", tag, data)
		}
	}
}

// A summary after a stop says what was left unread and how to resume.
func TestSummaryAfterStop(t *testing.T) {
	skipped := &job.Result{Job: &job.Job{Seq: 2}, Status: job.StatusSkipped, Command: job.Command{Script: "work 2"}, Err: errors.New("not started: SIGHUP")}
	for _, tc := range []struct {
		name   string
		add    []*job.Result
		unread bool
		jobs   int64
		want   string
	}{
		{"nothing left", []*job.Result{{Job: &job.Job{Seq: 1}, Status: job.StatusOK}}, false, 0, ""},
		{"unread, unknown", []*job.Result{{Job: &job.Job{Seq: 1}, Status: job.StatusOK}}, true, 0,
			"pmap: 1 job done, then stopped by SIGHUP; input not read to its end; to resume: R\n"},
		{"skipped and unread", []*job.Result{{Job: &job.Job{Seq: 1}, Status: job.StatusOK}, skipped}, true, 7,
			"pmap: 1 of 2 jobs failed (1 skipped); first: job 2 (work 2): not started: SIGHUP; 7 more jobs never read; to resume: R\n"},
	} {
		s := Summary{Stop: "SIGHUP", Unread: tc.unread, UnreadJobs: tc.jobs, Resume: "to resume: R"}
		for _, r := range tc.add {
			s.Add(r)
		}
		var b bytes.Buffer
		s.WriteTo(&b)
		if b.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, b.String(), tc.want)
		}
	}
}
