package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
)

// block is the result of jobs first..last answered in a block (the batch
// path), their answers out.
func block(sp *spool.Spool, first, last int64, out string) *job.Result {
	var jobs []*job.Job
	for seq := first; seq <= last; seq++ {
		jobs = append(jobs, &job.Job{Seq: seq, Records: []input.Record{{Seq: seq, Raw: string(rune('a' + seq - 1))}}})
	}
	r := &job.Result{Job: jobs[0], Batch: jobs, Status: job.StatusOK, Stdout: sp.NewBuffer()}
	r.Stdout.Write([]byte(out))
	return r
}

// Block results stand for their jobs: in input order a block waits for
// the job before its first and lets the job after its last go, and the
// summary counts every job.
func TestBlockResultsInOrder(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var out bytes.Buffer
	w := New(Options{Stdout: &out, Stderr: &bytes.Buffer{}})
	failed := result(sp, 4, "d", "part")
	failed.Status, failed.Err = job.StatusError, errors.New("worker 1 died")
	consume(w, block(sp, 5, 6, "5\n6\n"), failed, block(sp, 1, 3, "1\n2\n3\n"))
	if got := out.String(); got != "1\n2\n3\npart5\n6\n" {
		t.Errorf("output %q", got)
	}
	if w.Summary.Total != 6 || w.Summary.Failed != 1 {
		t.Errorf("summary counts %d of %d failed, want 1 of 6", w.Summary.Failed, w.Summary.Total)
	}
}

// A block whose output is given up (a second Ctrl-C) is lost job by job:
// each is a failure, and --failed lists each.
func TestStopLosesBlockJobByJob(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	failedPath := filepath.Join(t.TempDir(), "failed")
	fw, err := OpenFailed(failedPath, "\n", 1)
	if err != nil {
		t.Fatal(err)
	}
	givenUp := errors.New("output not written: stopped by a second SIGINT")
	w := New(Options{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Failed: fw, Stop: func() error { return givenUp }})
	consume(w, block(sp, 1, 3, "1\n2\n3\n"))
	fw.Close()
	if w.Summary.Total != 3 || w.Summary.Failed != 3 {
		t.Errorf("summary counts %d of %d failed, want 3 of 3", w.Summary.Failed, w.Summary.Total)
	}
	data, err := os.ReadFile(failedPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "a\nb\nc\n" {
		t.Errorf("--failed holds %q, want a, b and c", data)
	}
}
