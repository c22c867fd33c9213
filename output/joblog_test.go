package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

func TestJoblogColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	jl, err := OpenJoblog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	start := time.UnixMilli(1795241654610)
	jl.Write(&job.Result{Job: &job.Job{Seq: 1}, Command: job.Command{Script: "echo a\nb"}, Status: job.StatusOK, Attempts: 1, Start: start, Duration: 5 * time.Millisecond})
	jl.Write(&job.Result{Job: &job.Job{Seq: 2}, Command: job.Command{Argv: []string{"sleep", "9"}}, Host: "user@node1", Status: job.StatusTimeout, Exit: -1, Signal: "SIGTERM", Attempts: 1, Start: start, Duration: 1341 * time.Millisecond})
	jl.Write(&job.Result{Job: &job.Job{Seq: 3}, Status: job.StatusSkipped, Start: start}) // never ran: not logged
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := joblogHeader +
		"1\t:\t1795241654.610\t     0.005\t0\t0\t0\t0\techo a\x00b\n" +
		"2\tuser@node1\t1795241654.610\t     1.341\t0\t0\t-1\t15\tsleep 9\n"
	if string(data) != want {
		t.Fatalf("got\n%q\nwant\n%q", data, want)
	}

	// --resume reads it back: both commands ran.
	r, err := ReadResume(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Skip(job.Command{Script: "echo a\nb"}) || !r.Skip(job.Command{Argv: []string{"sleep", "9"}}) || r.Skip(job.Command{Argv: []string{"sleep", "9"}}) {
		t.Fatal("resume does not match the logged commands once each")
	}
	// --resume-failed runs the timed-out one again.
	r, err = ReadResume(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Skip(job.Command{Argv: []string{"sleep", "9"}}) {
		t.Fatal("--resume-failed skipped a failed job")
	}
	if !strings.Contains(string(data), "\t:\t") {
		t.Fatal("local host is not ':'")
	}
}
