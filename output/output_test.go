package output

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestTagWriter(t *testing.T) {
	tests := []struct {
		writes []string
		want   string
	}{
		{[]string{"a\nb\n"}, "T\ta\nT\tb\n"},
		{[]string{"a", "b\nc"}, "T\tab\nT\tc"},
		{[]string{"\n\n"}, "T\t\nT\t\n"},
		{[]string{""}, ""},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		w := newTagWriter(&b, "T\t")
		for _, s := range tt.writes {
			w.Write([]byte(s))
		}
		if b.String() != tt.want {
			t.Errorf("%q: got %q want %q", tt.writes, b.String(), tt.want)
		}
	}
}

func result(sp *spool.Spool, seq int64, in, out string) *job.Result {
	r := &job.Result{
		Job:    &job.Job{Seq: seq, Key: "k", Records: []input.Record{{Seq: seq, Raw: in}}},
		Status: job.StatusOK, Stdout: sp.NewBuffer(), Stderr: sp.NewBuffer(),
	}
	r.Stdout.Write([]byte(out))
	return r
}

func consume(w *Writer, rs ...*job.Result) {
	ch := make(chan *job.Result, len(rs))
	for _, r := range rs {
		ch <- r
	}
	close(ch)
	w.Consume(ch)
}

func TestOrderedAndUnordered(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	for _, unordered := range []bool{false, true} {
		var out, errOut bytes.Buffer
		w := New(Options{Stdout: &out, Stderr: &errOut, Unordered: unordered, Tag: true})
		consume(w, result(sp, 3, "c", "3\n"), result(sp, 1, "a", "1\n"), result(sp, 2, "b", "2\n"))
		want := "a\t1\nb\t2\nc\t3\n"
		if unordered {
			want = "c\t3\na\t1\nb\t2\n"
		}
		if out.String() != want {
			t.Errorf("unordered=%v: got %q want %q", unordered, out.String(), want)
		}
		if w.Summary.Total != 3 || w.Summary.Failed != 0 {
			t.Errorf("summary %+v", w.Summary)
		}
	}
	if sp.InMemory() != 0 {
		t.Errorf("written results were not released: %d bytes held", sp.InMemory())
	}
}

func TestGapsAreFlushedAtEnd(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var out bytes.Buffer
	w := New(Options{Stdout: &out, Stderr: &out})
	// Job 2 never reports (an interrupted run): 3 still gets written.
	consume(w, result(sp, 3, "c", "3\n"), result(sp, 1, "a", "1\n"))
	if out.String() != "1\n3\n" {
		t.Fatalf("got %q", out.String())
	}
}

type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestClosedStdoutCallsOnBrokenOnce(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	calls := 0
	w := New(Options{Stdout: brokenPipe{}, Stderr: &bytes.Buffer{}, OnBroken: func() { calls++ }})
	consume(w, result(sp, 1, "a", "1\n"), result(sp, 2, "b", "2\n"))
	if calls != 1 {
		t.Fatalf("OnBroken called %d times", calls)
	}
}

func TestLineBufferKeepsLinesWhole(t *testing.T) {
	var out bytes.Buffer
	w := New(Options{Stdout: &out, Stderr: &out, LineBuffer: true, Tag: true})
	a, _ := w.Live(&job.Job{Seq: 1, Records: []input.Record{{Raw: "A"}}}, 1)
	b, _ := w.Live(&job.Job{Seq: 2, Records: []input.Record{{Raw: "B"}}}, 2)
	a.Write([]byte("a1 "))
	b.Write([]byte("b1\nb2"))
	a.Write([]byte("more\n"))
	a.(interface{ Close() error }).Close()
	b.(interface{ Close() error }).Close()
	if got, want := out.String(), "B\tb1\nA\ta1 more\nB\tb2"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestSummary(t *testing.T) {
	var s Summary
	s.Add(&job.Result{Job: &job.Job{Seq: 1}, Status: job.StatusOK})
	s.Add(&job.Result{Job: &job.Job{Seq: 3}, Status: job.StatusFailed, Command: job.Command{Argv: []string{"false"}}, Err: errors.New("exit status 1")})
	s.Add(&job.Result{Job: &job.Job{Seq: 2}, Status: job.StatusSignal, Command: job.Command{Script: "kill -SEGV $$"}, Err: errors.New("killed by SIGSEGV")})
	var b bytes.Buffer
	s.WriteTo(&b)
	want := "pmap: 2 of 3 jobs failed (1 failed, 1 signal); first: job 2 (kill -SEGV $$): killed by SIGSEGV\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

// The summary line holds no NUL byte, even when stderr is not a
// terminal and the failed command has one.
func TestSummaryNUL(t *testing.T) {
	var s Summary
	s.Add(&job.Result{Job: &job.Job{Seq: 1}, Status: job.StatusFailed, Command: job.Command{Script: "echo 'a\x00b'; false"}, Err: errors.New("exit status 1")})
	var b bytes.Buffer
	s.WriteTo(&b)
	want := `pmap: 1 of 1 job failed (1 failed); first: job 1 (echo 'a\x00b'; false): exit status 1` + "\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}

func TestRecordGolden(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	start := time.Date(2026, 11, 21, 10, 0, 0, 123456000, time.UTC)
	mk := func(r *job.Result, out, errOut string) *job.Result {
		r.Stdout, r.Stderr = sp.NewBuffer(), sp.NewBuffer()
		r.Stdout.Write([]byte(out))
		r.Stderr.Write([]byte(errOut))
		r.Start, r.Duration, r.Attempts = start, 12300*time.Microsecond, 1
		return r
	}
	results := []*job.Result{
		mk(&job.Result{Job: &job.Job{Seq: 1, Key: "1", Records: []input.Record{{Raw: "a.txt"}}}, Command: job.Command{Argv: []string{"gzip", "-9", "a.txt"}}, Slot: 1, Status: job.StatusOK}, "done\n", ""),
		mk(&job.Result{Job: &job.Job{Seq: 2, Key: "b", Records: []input.Record{{Raw: "b\tc", Fields: []string{"b", "c"}}}}, Command: job.Command{Script: "cat 'b' | wc"}, Slot: 2, Status: job.StatusFailed, Exit: 1, Err: errors.New("exit status 1")}, "", "no such file\n"),
		mk(&job.Result{Job: &job.Job{Seq: 3, Key: "3", Records: []input.Record{{Raw: `{"id":3,"url":"x"}`, JSON: map[string]any{"id": 3}}}}, Command: job.Command{Argv: []string{"crash"}}, Slot: 1, Status: job.StatusSignal, Exit: -1, Signal: "SIGSEGV", Err: errors.New("killed by SIGSEGV")}, "\xff\xfe binary", ""),
		// Input and command that are not UTF-8: their base64 beside the text.
		mk(&job.Result{Job: &job.Job{Seq: 4, Key: "4", Records: []input.Record{{Raw: "caf\xe9.txt"}}}, Command: job.Command{Argv: []string{"gzip", "caf\xe9.txt"}}, Slot: 2, Status: job.StatusOK}, "", ""),
		mk(&job.Result{Job: &job.Job{Seq: 5, Key: "5", Records: []input.Record{{Raw: "x\xff\ty", Fields: []string{"x\xff", "y"}}, {Raw: "ok"}}}, Command: job.Command{Script: "echo 'x\xff' 'y' ok"}, Slot: 1, Status: job.StatusOK}, "", ""),
	}
	var buf bytes.Buffer
	for _, r := range results {
		if _, err := writeRecord(&buf, r, true, nil, "\n"); err != nil {
			t.Fatal(err)
		}
	}
	got := buf.Bytes()
	golden := filepath.Join("testdata", "records.golden.jsonl")
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("records differ from %s (run with -update after checking):\n%s", golden, got)
	}
}
