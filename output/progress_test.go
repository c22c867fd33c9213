package output

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a bytes.Buffer safe for the ticker goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestProgress returns a started Progress whose ticker never fires and
// whose clock the test moves; draw(false) stands for a tick.
func newTestProgress(opt ProgressOptions) (*Progress, *syncBuffer, *fakeClock) {
	buf := &syncBuffer{}
	opt.W = buf
	opt.Interval = time.Hour
	p := NewProgress(opt)
	clock := &fakeClock{t: time.Unix(1000, 0)}
	p.now = clock.now
	p.Start()
	return p, buf, clock
}

func ok() *job.Result     { return &job.Result{Job: &job.Job{}, Status: job.StatusOK} }
func failed() *job.Result { return &job.Result{Job: &job.Job{}, Status: job.StatusFailed} }

func TestProgressLine(t *testing.T) {
	s := progressState{done: 25, failed: 2, total: 100, exact: true, elapsed: 5 * time.Second}
	if got, want := s.plain(), "pmap: progress 25/100 (25%), 2 failed, 5.0 jobs/s, ETA 15s, elapsed 5s"; got != want {
		t.Errorf("plain:\n got %q\nwant %q", got, want)
	}
	got := s.bar(100)
	if want := "pmap: [#######.......................] 25/100 (25%)  2 failed  5.0 jobs/s  ETA 15s  5s"; got != want {
		t.Errorf("bar(100):\n got %q\nwant %q", got, want)
	}
	// Narrow terminals lose the bar, then the last fields; nothing wraps.
	for _, w := range []int{80, 60, 40, 20, 5} {
		if got := s.bar(w); len(got) > w-1 {
			t.Errorf("bar(%d) is %d wide: %q", w, len(got), got)
		}
	}
	if got := s.bar(40); got != "pmap: 25/100 (25%)  2 failed" {
		t.Errorf("bar(40) = %q", got)
	}

	// Unknown total: the count read so far, with a +; no bar, no ETA.
	u := progressState{done: 3, total: 10, elapsed: 90 * time.Second}
	if got, want := u.bar(100), "pmap: 3/10+  0 failed  0.0 jobs/s  1m30s"; got != want {
		t.Errorf("unknown total:\n got %q\nwant %q", got, want)
	}
	f := progressState{done: 10, total: 10, exact: true, final: true, elapsed: 2*time.Hour + 3*time.Minute}
	if got, want := f.plain(), "pmap: done 10/10 (100%), 0 failed, 0.0 jobs/s, elapsed 2h03m"; got != want {
		t.Errorf("final:\n got %q\nwant %q", got, want)
	}
}

func TestProgressTerminal(t *testing.T) {
	total := int64(4)
	p, buf, clock := newTestProgress(ProgressOptions{
		Terminal: true,
		Width:    func() int { return 70 },
		Total:    func() (int64, bool) { return total, true },
	})
	clock.add(time.Second)
	p.Add(ok())
	p.draw(false)
	p.draw(false) // unchanged: not written again
	first := "\rpmap: [####.............] 1/4 (25%)  0 failed  1.0 jobs/s  ETA 3s  1s\x1b[K"
	if got := buf.String(); got != first {
		t.Fatalf("first draw:\n got %q\nwant %q", got, first)
	}

	// Other output clears the line first; the next tick draws it again.
	w := p.Writer()
	w.Write([]byte("job says hi\n"))
	if got := buf.String(); got != first+"\r\x1b[Kjob says hi\n" {
		t.Fatalf("after a write: %q", got)
	}
	// A partial line from a job holds the redraw back until it ends.
	w.Write([]byte("partial"))
	clock.add(time.Second)
	p.Add(failed())
	before := buf.String()
	p.draw(false)
	if buf.String() != before {
		t.Fatalf("drew over a partial line: %q", buf.String()[len(before):])
	}
	w.Write([]byte(" line\n"))
	p.draw(false)
	if got := buf.String()[len(before)+len(" line\n"):]; !strings.HasPrefix(got, "\rpmap: [") || !strings.Contains(got, "2/4") {
		t.Fatalf("redraw after the line ended: %q", got)
	}

	// The final line stays, ended by a newline.
	p.Add(ok())
	p.Add(ok())
	p.Stop()
	p.Stop() // harmless
	if got := buf.String(); !strings.HasSuffix(got, "] 4/4 (100%)  1 failed  2.0 jobs/s  2s\x1b[K\n") {
		t.Fatalf("final line: %q", got)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
}

func TestProgressColorAndDumb(t *testing.T) {
	p, buf, clock := newTestProgress(ProgressOptions{Terminal: true, Color: true, Width: func() int { return 100 }})
	clock.add(time.Second)
	p.Add(failed())
	p.Stop()
	if !strings.Contains(buf.String(), "\x1b[31m1 failed\x1b[0m") {
		t.Errorf("no red failure count: %q", buf.String())
	}

	p, buf, clock = newTestProgress(ProgressOptions{Terminal: true, Dumb: true, Width: func() int { return 100 }})
	clock.add(time.Second)
	p.Add(ok())
	p.draw(false)
	p.Writer().Write([]byte("x\n"))
	p.Stop()
	if strings.Contains(buf.String(), "\x1b") {
		t.Errorf("TERM=dumb got an escape sequence: %q", buf.String())
	}
	if !strings.Contains(buf.String(), "\r"+strings.Repeat(" ", len("pmap: 1/1+  0 failed  1.0 jobs/s  1s"))+"\rx\n") {
		t.Errorf("TERM=dumb line not cleared with spaces: %q", buf.String())
	}
}

func TestProgressPlain(t *testing.T) {
	p, buf, clock := newTestProgress(ProgressOptions{Total: func() (int64, bool) { return 3, true }})
	clock.add(time.Second)
	p.draw(false) // the first tick always writes a line
	p.draw(false) // nothing finished since: no line
	p.Add(ok())
	p.Writer().Write([]byte("half"))
	p.draw(false) // a job's partial line: wait
	p.Writer().Write([]byte(" done\n"))
	clock.add(time.Second)
	p.draw(false)
	p.Add(ok())
	p.Add(failed())
	p.Stop()
	want := "pmap: progress 0/3 (0%), 0 failed, 0.0 jobs/s, elapsed 1s\n" +
		"half done\n" +
		"pmap: progress 1/3 (33%), 0 failed, 0.5 jobs/s, ETA 4s, elapsed 2s\n" +
		"pmap: done 3/3 (100%), 1 failed, 1.5 jobs/s, elapsed 2s\n"
	if got := buf.String(); got != want {
		t.Errorf("plain lines:\n got %q\nwant %q", got, want)
	}
}

func TestProgressNil(t *testing.T) {
	var p *Progress
	p.Start()
	p.Add(ok())
	p.Stop()
}

// TestProgressConsume checks the Writer's hook: Consume starts the
// progress, counts every result, and writes the final line at the end.
func TestProgressConsume(t *testing.T) {
	p, buf, _ := newTestProgress(ProgressOptions{})
	results := make(chan *job.Result, 3)
	for i := int64(1); i <= 3; i++ {
		r := ok()
		r.Job.Seq = i
		if i == 2 {
			r.Status, r.Err = job.StatusFailed, errors.New("exit status 1")
		}
		results <- r
	}
	close(results)
	w := New(Options{Stdout: &bytes.Buffer{}, Stderr: p.Writer(), Progress: p})
	w.Consume(results)
	if got := buf.String(); !strings.HasPrefix(got, "pmap: done 3/3 (100%), 1 failed,") {
		t.Errorf("after Consume: %q", got)
	}
}
