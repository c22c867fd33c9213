package worker

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// lockedBuffer is a bytes.Buffer safe for the stderr copiers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newTestWorkers returns a Persistent running script with sh, closed at
// the end of the test.
func newTestWorkers(t *testing.T, script string, restarts int) (*Persistent, *lockedBuffer) {
	t.Helper()
	tpl, err := template.Compile([]string{script}, template.Options{Mode: template.Shell, NoAppend: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPersistent(tpl, true, restarts)
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	p.TermSeq = proc.TermSeq{{Signal: syscall.SIGTERM, Wait: 200 * time.Millisecond}, {Signal: syscall.SIGKILL, Wait: 0}}
	p.Stderr = stderr
	p.ExitGrace = 300 * time.Millisecond
	t.Cleanup(func() { p.Close() })
	return p, stderr
}

// send runs one record on slot and returns the outcome and the output.
func send(p *Persistent, ctx context.Context, slot int, rec string) (job.Outcome, string) {
	var out bytes.Buffer
	o := p.Run(ctx, &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: rec}}}, Slot: slot, Stdout: &out, Stderr: &out})
	return o, out.String()
}

func TestWorkerAnswersPerSlot(t *testing.T) {
	starts := filepath.Join(t.TempDir(), "starts")
	p, _ := newTestWorkers(t, `echo {%} >> `+starts+`; while read -r l; do echo "$PMAP_SLOT/{%}:$l"; done`, 3)
	for i := range 20 {
		slot := i%2 + 1
		rec := "rec " + strconv.Itoa(i)
		o, out := send(p, context.Background(), slot, rec)
		if o.Status != job.StatusOK || out != strconv.Itoa(slot)+"/"+strconv.Itoa(slot)+":"+rec+"\n" {
			t.Fatalf("record %d: %+v %q", i, o, out)
		}
	}
	data, _ := os.ReadFile(starts)
	if string(data) != "1\n2\n" {
		t.Fatalf("workers started: %q, want one per slot", data)
	}
}

func TestWorkerLongRecordAndAnswer(t *testing.T) {
	p, _ := newTestWorkers(t, `cat`, 3)
	rec := strings.Repeat("x", 1<<20)
	o, out := send(p, context.Background(), 1, rec)
	if o.Status != job.StatusOK || out != rec+"\n" {
		t.Fatalf("%+v, %d bytes back", o, len(out))
	}
	o, out = send(p, context.Background(), 1, "short")
	if o.Status != job.StatusOK || out != "short\n" {
		t.Fatalf("%+v %q", o, out)
	}
}

func TestWorkerRecordWithNewline(t *testing.T) {
	p, _ := newTestWorkers(t, `cat`, 3)
	o, _ := send(p, context.Background(), 1, "a\nb")
	if o.Status != job.StatusError || o.Err == nil || !strings.Contains(o.Err.Error(), "newline") {
		t.Fatalf("%+v", o)
	}
}

func TestWorkerDiesOnOneRecord(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	p, stderr := newTestWorkers(t, `echo $$ >> `+pids+`; while read -r l; do if [ "$l" = die ]; then echo dying >&2; exit 3; fi; echo "ok $l"; done`, 0)
	if o, out := send(p, context.Background(), 1, "a"); o.Status != job.StatusOK || out != "ok a\n" {
		t.Fatalf("%+v %q", o, out)
	}
	o, _ := send(p, context.Background(), 1, "die")
	if o.Status != job.StatusError || o.Exit != 3 || o.Err == nil || o.Err.Error() != "worker 1 died: exit status 3" || !o.Retryable {
		t.Fatalf("%+v", o)
	}
	// It read the record and died of it: the record's failure, not the
	// worker's, so even --worker-restarts 0 does not stop the run.
	if o.Abort != nil {
		t.Fatalf("a worker that read its record aborts the run: %+v", o)
	}
	if !strings.Contains(stderr.String(), "dying\n") {
		t.Errorf("worker stderr not passed through: %q", stderr.String())
	}
	if o, out := send(p, context.Background(), 1, "b"); o.Status != job.StatusOK || out != "ok b\n" {
		t.Fatalf("%+v %q", o, out)
	}
	data, _ := os.ReadFile(pids)
	if n := strings.Count(string(data), "\n"); n != 2 {
		t.Fatalf("%d workers started, want 2", n)
	}
}

// TestWorkerPoisonRecords: records that crash the worker, one after the
// other, fail one by one and never stop the run; the good records behind
// them get a new worker and their answers.
func TestWorkerPoisonRecords(t *testing.T) {
	p, _ := newTestWorkers(t, `while read -r l; do [ "$l" = die ] && kill -SEGV $$; echo "ok $l"; done`, 1)
	for i := range 5 {
		o, _ := send(p, context.Background(), 1, "die")
		if o.Status != job.StatusError || o.Signal != "SIGSEGV" || o.Abort != nil || !o.Retryable ||
			o.Err.Error() != "worker 1 died: killed by SIGSEGV" {
			t.Fatalf("death %d: %+v", i, o)
		}
	}
	if o, out := send(p, context.Background(), 1, "x"); o.Status != job.StatusOK || out != "ok x\n" {
		t.Fatalf("%+v %q", o, out)
	}
}

// TestWorkerEndsBeforeReading: a worker that ends without reading its
// record (all of it still in its stdin pipe) has not started; a long
// record counts as far as the pipe took it. One that read part of a long
// record did read it.
func TestWorkerEndsBeforeReading(t *testing.T) {
	long := strings.Repeat("y", 1<<20)
	for _, tc := range []struct {
		name, script, rec string
		unread            bool
	}{
		{"exits at once", `exit 2`, "r", true},
		{"exits at once, long record", `exit 2`, long, true},
		{"slow start", `sleep 0.2; exit 2`, "r", true},
		{"reads, then exits", `read -r l; exit 2`, "r", false},
		{"reads part of a long record", `head -c 1000 > /dev/null; exit 2`, long, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newTestWorkers(t, tc.script, 5)
			o, _ := send(p, context.Background(), 1, tc.rec)
			if o.Status != job.StatusError || o.Exit != 2 || o.Abort != nil || !o.Retryable {
				t.Fatalf("%+v", o)
			}
			want := "worker 1 died: exit status 2"
			if tc.unread {
				want += " (before reading the record)"
			}
			if o.Err.Error() != want {
				t.Fatalf("error %q, want %q", o.Err, want)
			}
		})
	}
}

func TestWorkerRestartsAfterDeath(t *testing.T) {
	p, _ := newTestWorkers(t, `while read -r l; do [ "$l" = die ] && kill -SEGV $$; echo "ok $l"; done`, 1)
	for i := range 3 {
		o, _ := send(p, context.Background(), 1, "die")
		if o.Status != job.StatusError || o.Signal != "SIGSEGV" || !strings.Contains(o.Err.Error(), "worker 1 died: killed by SIGSEGV") || o.Abort != nil {
			t.Fatalf("death %d: %+v", i, o)
		}
		// An answered record resets the count of deaths in a row.
		if o, out := send(p, context.Background(), 1, "x"); o.Status != job.StatusOK || out != "ok x\n" {
			t.Fatalf("%+v %q", o, out)
		}
	}
}

func TestWorkerClosesStdout(t *testing.T) {
	p, _ := newTestWorkers(t, `read -r l; exec >&-; sleep 30`, 3)
	o, _ := send(p, context.Background(), 1, "a")
	if o.Status != job.StatusError || o.Abort != nil || o.Err == nil || o.Err.Error() != "worker 1 closed its stdout or stdin without answering" {
		t.Fatalf("%+v", o)
	}
}

func TestWorkerRestartLimit(t *testing.T) {
	p, _ := newTestWorkers(t, `exit 2`, 2)
	var o job.Outcome
	for i := 1; i <= 2; i++ {
		if o, _ = send(p, context.Background(), 1, "r"); o.Status != job.StatusError || o.Abort != nil {
			t.Fatalf("record %d: %+v", i, o)
		}
	}
	o, _ = send(p, context.Background(), 1, "r")
	if o.Abort == nil || o.Status != job.StatusError || o.Abort.Error() != "worker 1 died: exit status 2 (3 times in a row before reading a record); giving up (--worker-restarts 2)" {
		t.Fatalf("%+v", o)
	}
}

// TestWorkerRestartCountResetByReading: a worker that read its record
// shows the command starts, so ends before reading are counted afresh.
func TestWorkerRestartCountResetByReading(t *testing.T) {
	flag := filepath.Join(t.TempDir(), "broken")
	// While the file exists the worker exits before reading; a record
	// "fix" removes it, "die" is read and kills the worker.
	p, _ := newTestWorkers(t, `[ -e `+flag+` ] && exit 2; while read -r l; do [ "$l" = die ] && exit 3; echo "ok $l"; done`, 1)
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if o, _ := send(p, context.Background(), 1, "r"); o.Abort != nil || !strings.Contains(o.Err.Error(), "before reading") {
		t.Fatalf("%+v", o)
	}
	os.Remove(flag)
	if o, _ := send(p, context.Background(), 1, "die"); o.Abort != nil || o.Exit != 3 {
		t.Fatalf("%+v", o)
	}
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if o, _ := send(p, context.Background(), 1, "r"); o.Abort != nil {
		t.Fatalf("the count was not reset by a record read: %+v", o)
	}
	if o, _ := send(p, context.Background(), 1, "r"); o.Abort == nil {
		t.Fatalf("2 ends in a row before reading with --worker-restarts 1: %+v", o)
	}
}

func TestWorkerCannotStart(t *testing.T) {
	tpl, err := template.Compile([]string{"pmap-no-such-worker"}, template.Options{NoAppend: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPersistent(tpl, false, 3)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := send(p, context.Background(), 1, "r")
	if o.Status != job.StatusError || o.Exit != 127 || o.Abort == nil || o.Abort.Error() != "worker 1: pmap-no-such-worker: command not found" {
		t.Fatalf("%+v", o)
	}
}

func TestWorkerTimeoutRestarts(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	p, _ := newTestWorkers(t, `echo $$ >> `+pids+`; while read -r l; do [ "$l" = slow ] && sleep 30; echo "ok $l"; done`, 0)
	// The worker runs before the record comes: on a busy machine its
	// start can take longer than the deadline, and a record stopped
	// before it is sent is not sent at all.
	if o, out := send(p, context.Background(), 1, "warm"); o.Status != job.StatusOK || out != "ok warm\n" {
		t.Fatalf("%+v %q", o, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o, _ := send(p, ctx, 1, "slow")
	if !o.Stopped || o.Status != job.StatusSignal || o.Signal != "SIGTERM" || o.Abort != nil {
		t.Fatalf("%+v", o)
	}
	// A stop is not a death: no abort even with 0 restarts.
	if o, out := send(p, context.Background(), 1, "fast"); o.Status != job.StatusOK || out != "ok fast\n" {
		t.Fatalf("%+v %q", o, out)
	}
	data, _ := os.ReadFile(pids)
	first, _ := strconv.Atoi(strings.Fields(string(data))[0])
	if syscall.Kill(first, 0) == nil {
		t.Fatalf("stopped worker %d still runs", first)
	}
}

func TestWorkerCloseEndsWorkers(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	// Slot 1 exits on EOF; slot 2 ignores EOF and TERM, and is killed.
	p, _ := newTestWorkers(t, `echo $$ >> `+pids+`; if [ {%} = 2 ]; then trap "" TERM; read -r l; echo "$l"; while :; do sleep 0.05; done; fi; cat`, 3)
	send(p, context.Background(), 1, "a")
	send(p, context.Background(), 2, "b")
	start := time.Now()
	p.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
	data, _ := os.ReadFile(pids)
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		if syscall.Kill(pid, 0) == nil {
			t.Fatalf("worker %d still runs after Close", pid)
		}
	}
}

func TestWorkerCommandMustNotUseRecords(t *testing.T) {
	for _, words := range [][]string{{"echo", "{}"}, {"echo", "{#}"}, {"echo", "{1}"}} {
		tpl, err := template.Compile(words, template.Options{NoAppend: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewPersistent(tpl, false, 3); err == nil {
			t.Errorf("%q accepted as a worker command", words)
		}
	}
	tpl, _ := template.Compile([]string{"w", "--gpu", "{%}"}, template.Options{NoAppend: true})
	if _, err := NewPersistent(tpl, false, 3); err != nil {
		t.Errorf("{%%} refused: %v", err)
	}
}

// BenchmarkWorkerCat measures one record's round trip through a cat
// worker, without the engine.
func BenchmarkWorkerCat(b *testing.B) {
	tpl, err := template.Compile([]string{"cat"}, template.Options{NoAppend: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPersistent(tpl, false, 3)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	task := &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: "12345"}}}, Slot: 1, Stdout: &out}
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if o := p.Run(ctx, task); o.Status != job.StatusOK {
			b.Fatal(o)
		}
	}
}

// BenchmarkWorkerCatWindow keeps a window of records in flight on one cat
// worker, as the scheduler does: the backend's cost per record when the
// worker is never left waiting for its next line.
func BenchmarkWorkerCatWindow(b *testing.B) {
	tpl, err := template.Compile([]string{"cat"}, template.Options{NoAppend: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPersistent(tpl, false, 3)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range p.Window() {
		wg.Go(func() {
			var out bytes.Buffer
			task := &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: "12345"}}}, Slot: 1, Stdout: &out}
			for next.Add(1) <= int64(b.N) {
				out.Reset()
				if o := p.Run(ctx, task); o.Status != job.StatusOK || out.String() != "12345\n" {
					b.Error(o, out.String())
					return
				}
			}
		})
	}
	wg.Wait()
}

// countOut is a job.BatchOut that counts answers and failures.
type countOut struct{ answers, failed int }

func (c *countOut) Answer(int, []byte)              { c.answers++ }
func (c *countOut) Failed(int, job.Outcome, []byte) { c.failed++ }

// BenchmarkWorkerCatBatch runs blocks of records on one cat worker
// (RunBatch), two blocks in flight as the scheduler's batch path keeps
// them: the backend's cost per record there, beside BenchmarkWorkerCatWindow.
func BenchmarkWorkerCatBatch(b *testing.B) {
	tpl, err := template.Compile([]string{"cat"}, template.Options{NoAppend: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPersistent(tpl, false, 3)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const block = 256
	recs := make([]string, block)
	for i := range recs {
		recs[i] = "12345"
	}
	b.ReportAllocs()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for next.Add(block) <= int64(b.N)+block-1 {
				out := &countOut{}
				p.RunBatch(ctx, &job.Batch{Slot: 1, Records: recs, Out: out})
				if out.answers != block {
					b.Error(out.answers, out.failed)
					return
				}
			}
		})
	}
	wg.Wait()
}
