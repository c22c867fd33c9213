package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

type fullDevice struct{}

func (fullDevice) Write([]byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// An error writing stdout other than a closed pipe is reported once,
// through OnError and Err, named; OnBroken is for closed pipes only.
func TestWriteErrorReportedOnce(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var errs []error
	broken := 0
	w := New(Options{Stdout: fullDevice{}, Stderr: &bytes.Buffer{},
		OnBroken: func() { broken++ }, OnError: func(err error) { errs = append(errs, err) }})
	consume(w, result(sp, 1, "a", "1\n"), result(sp, 2, "b", "2\n"))
	if broken != 0 || len(errs) != 1 {
		t.Fatalf("OnBroken %d times, OnError %v", broken, errs)
	}
	const want = "writing output to stdout: no space left on device"
	if errs[0].Error() != want || w.Err() != errs[0] || !errors.Is(w.Err(), syscall.ENOSPC) {
		t.Fatalf("error %q, Err %v; want %q", errs[0], w.Err(), want)
	}
}

// A job is in the joblog only once its output was written to stdout: in
// input order, a job waiting for an earlier one is not logged yet, and
// nothing is logged when stdout fails.
func TestJoblogFollowsStdout(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	ran := func(r *job.Result) *job.Result {
		r.Attempts = 1
		r.Command = job.Command{Argv: []string{"echo", r.Job.Records[0].Raw}}
		return r
	}
	lines := func(path string) int {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(data, []byte("\n")) - 1 // the header
	}

	path := filepath.Join(t.TempDir(), "log")
	jl, err := OpenJoblog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := New(Options{Stdout: &out, Stderr: &out, Joblog: jl})
	results := make(chan *job.Result) // a send returns once the last is handled
	done := make(chan struct{})
	go func() { w.Consume(results); close(done) }()
	results <- ran(result(sp, 2, "b", "2\n"))
	results <- ran(result(sp, 3, "c", "3\n"))
	// Job 2 was handled and waits for job 1, with job 3.
	jl.mu.Lock()
	early := len(jl.pending)
	jl.mu.Unlock()
	if n := lines(path); n != 0 || early != 0 {
		t.Fatalf("%d jobs logged, %d bytes waiting, before their output was written", n, early)
	}
	results <- ran(result(sp, 1, "a", "1\n"))
	close(results)
	<-done
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	if n := lines(path); n != 3 || out.String() != "1\n2\n3\n" {
		t.Fatalf("%d jobs logged, output %q", n, out.String())
	}

	// stdout fails: nothing is logged.
	path = filepath.Join(t.TempDir(), "log")
	if jl, err = OpenJoblog(path, false); err != nil {
		t.Fatal(err)
	}
	w = New(Options{Stdout: fullDevice{}, Stderr: &bytes.Buffer{}, Joblog: jl})
	consume(w, ran(result(sp, 1, "a", "1\n")), ran(result(sp, 2, "b", "2\n")))
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	if n := lines(path); n != 0 {
		t.Fatalf("%d jobs logged whose output could not be written", n)
	}
}
