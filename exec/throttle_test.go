package exec

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// fakeProc is a proc directory whose loadavg and meminfo a test rewrites.
type fakeProc struct {
	t   *testing.T
	dir string
}

func newFakeProc(t *testing.T, load string, availKB int) *fakeProc {
	p := &fakeProc{t: t, dir: t.TempDir()}
	p.setLoad(load)
	p.setMem(availKB)
	return p
}

func (p *fakeProc) write(name, content string) {
	p.t.Helper()
	// Write and rename, so that a reader never sees a half-written file.
	tmp := filepath.Join(p.dir, name+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(p.dir, name)); err != nil {
		p.t.Fatal(err)
	}
}

func (p *fakeProc) setLoad(load string) {
	p.write("loadavg", load+" 0.50 0.25 2/345 6789\n")
}

func (p *fakeProc) setMem(availKB int) {
	p.write("meminfo", "MemTotal:       16000000 kB\nMemFree:          100000 kB\n"+
		"MemAvailable:   "+strconv.Itoa(availKB)+" kB\nBuffers:          200000 kB\n")
}

// waitAsync runs th.Wait on a goroutine and returns its result channel.
func waitAsync(ctx context.Context, th *Throttle) <-chan error {
	done := make(chan error, 1)
	go func() { done <- th.Wait(ctx) }()
	return done
}

// mustBlock checks that the wait has not returned after a few polls.
func mustBlock(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("Wait returned (%v) while the limit was exceeded", err)
	case <-time.After(100 * time.Millisecond):
	}
}

// mustReturn checks that the wait returns, with want.
func mustReturn(t *testing.T, done <-chan error, want error) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, want) && err != want {
			t.Fatalf("Wait = %v, want %v", err, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return once the limit was lifted")
	}
}

func TestThrottleLoad(t *testing.T) {
	p := newFakeProc(t, "3.00", 8000000)
	th := &Throttle{MaxLoad: 2, Proc: p.dir, Poll: 5 * time.Millisecond}
	if err := th.Check(); err != nil {
		t.Fatal(err)
	}
	done := waitAsync(context.Background(), th)
	mustBlock(t, done)
	p.setLoad("2.00") // at the limit: still held, the load must be below it
	mustBlock(t, done)
	p.setLoad("1.99")
	mustReturn(t, done, nil)
}

func TestThrottleMemFree(t *testing.T) {
	p := newFakeProc(t, "0.00", 1000) // 1000 kB available
	th := &Throttle{MemFree: 2 << 20, Proc: p.dir, Poll: 5 * time.Millisecond}
	if err := th.Check(); err != nil {
		t.Fatal(err)
	}
	done := waitAsync(context.Background(), th)
	mustBlock(t, done)
	p.setMem(2048) // exactly 2 MiB: not above the limit
	mustBlock(t, done)
	p.setMem(4096)
	mustReturn(t, done, nil)
}

func TestThrottleContextEndsWait(t *testing.T) {
	p := newFakeProc(t, "9.00", 1000)
	th := &Throttle{MaxLoad: 1, Proc: p.dir, Poll: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := waitAsync(ctx, th)
	mustBlock(t, done)
	cancel()
	mustReturn(t, done, context.Canceled)
}

func TestThrottleStop(t *testing.T) {
	p := newFakeProc(t, "9.00", 1000)
	stop := make(chan struct{})
	th := &Throttle{MaxLoad: 1, Proc: p.dir, Poll: time.Hour, Stop: stop}
	done := waitAsync(context.Background(), th)
	mustBlock(t, done)
	close(stop)
	mustReturn(t, done, ErrThrottleStopped)
}

func TestThrottleDelay(t *testing.T) {
	const delay = 50 * time.Millisecond
	th := &Throttle{Delay: delay}
	start := time.Now()
	for range 5 {
		if err := th.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The first start does not wait; each next one waits the delay.
	if el := time.Since(start); el < 4*delay {
		t.Fatalf("5 starts took %v, want at least %v", el, 4*delay)
	}

	ctx, cancel := context.WithCancel(context.Background())
	th = &Throttle{Delay: time.Hour}
	if err := th.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	done := waitAsync(ctx, th)
	mustBlock(t, done)
	cancel()
	mustReturn(t, done, context.Canceled)
}

func TestThrottleCheck(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	if err := (&Throttle{MaxLoad: 1, Proc: missing}).Check(); err == nil {
		t.Error("Check with no loadavg: no error")
	}
	if err := (&Throttle{MemFree: 1, Proc: missing}).Check(); err == nil {
		t.Error("Check with no meminfo: no error")
	}
	if err := (&Throttle{Delay: time.Second, Proc: missing}).Check(); err != nil {
		t.Errorf("Check with only a delay read files: %v", err)
	}
}

// TestThrottleEngine runs jobs through the engine with a load limit that a
// test lifts: no job starts before it is lifted, then all run.
func TestThrottleEngine(t *testing.T) {
	p := newFakeProc(t, "5.00", 1000)
	th := &Throttle{MaxLoad: 1, Proc: p.dir, Poll: 5 * time.Millisecond}
	started := make(chan int64, 10)
	e := &Engine{Workers: 2, Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
		started <- task.Job.Seq
		return job.Outcome{Status: job.StatusOK}
	}), Expand: &job.Expander{}, Spool: spool.New(1<<20, ""), Throttle: th.Wait}
	jobs := NewPipeJobSource(&sliceBlocks{blocks: [][]byte{[]byte("a\n"), []byte("b\n"), []byte("c\n")}})
	results := make(chan *job.Result, 10)
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background(), jobs, results) }()
	select {
	case seq := <-started:
		t.Fatalf("job %d started while the load was above the limit", seq)
	case <-time.After(100 * time.Millisecond):
	}
	p.setLoad("0.10")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(results)
	n := 0
	for r := range results {
		if !r.OK() {
			t.Errorf("job %d: %v", r.Job.Seq, r.Err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("%d results, want 3", n)
	}
}

type runnerFunc func(ctx context.Context, t *job.Task) job.Outcome

func (f runnerFunc) Run(ctx context.Context, t *job.Task) job.Outcome { return f(ctx, t) }

// sliceBlocks is a BlockSource of fixed blocks.
type sliceBlocks struct{ blocks [][]byte }

func (s *sliceBlocks) Next() ([]byte, error) {
	if len(s.blocks) == 0 {
		return nil, io.EOF
	}
	b := s.blocks[0]
	s.blocks = s.blocks[1:]
	return b, nil
}
