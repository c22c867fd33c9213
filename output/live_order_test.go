package output

import (
	"bytes"
	"io"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// --line-buffer -k: the head job's lines go out at once, a later job's
// wait until every earlier job's result is written, and a run whose
// results end with a gap still writes what it held, in job order.
func TestLiveInInputOrder(t *testing.T) {
	sp := spool.New(1<<20, "")
	defer sp.Close()
	var out, errb bytes.Buffer
	w := New(Options{Stdout: &out, Stderr: &errb, LineBuffer: true, KeepOrder: true,
		Hold: func() HeldBuffer { return sp.NewBuffer() }})
	live := func(seq int64) (io.Writer, io.Writer) { return w.Live(&job.Job{Seq: seq}, 1) }
	o3, e3 := live(3)
	o3.Write([]byte("three\npart"))
	e3.Write([]byte("err3\n"))
	o2, _ := live(2)
	o2.Write([]byte("two\n"))
	o1, e1 := live(1)
	o1.Write([]byte("one\n"))
	e1.Write([]byte("err1\n"))
	if out.String() != "one\n" || errb.String() != "err1\n" {
		t.Fatalf("while job 1 runs: stdout %q, stderr %q; want only job 1's lines", out.String(), errb.String())
	}
	o3.(io.Closer).Close()
	o1.Write([]byte("one again\n"))
	done := func(seq int64) *job.Result {
		return &job.Result{Job: &job.Job{Seq: seq}, Status: job.StatusOK}
	}
	// Job 2's result never comes (an interrupted run): 3 is still written.
	consume(w, done(1), done(3))
	if want := "one\none again\ntwo\nthree\npart"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	if want := "err1\nerr3\n"; errb.String() != want {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
	if n := sp.InMemory(); n != 0 {
		t.Errorf("%d bytes still held in the spool", n)
	}
}
