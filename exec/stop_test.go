package exec

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// blockUntilStopped is a runner whose jobs run until their context is done,
// as a long job does; it reports each start.
func blockUntilStopped(started chan<- int64) runnerFunc {
	return func(ctx context.Context, task *job.Task) job.Outcome {
		started <- task.Job.Seq
		<-ctx.Done()
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Signal: "SIGTERM", Stopped: true}
	}
}

func manyBlocks(n int) *sliceBlocks {
	s := &sliceBlocks{}
	for range n {
		s.blocks = append(s.blocks, []byte("x\n"))
	}
	return s
}

// runStopped runs 100 jobs on 2 slots and stops the run with stop once
// both slots are busy; it returns the results.
func runStopped(t *testing.T, e *Engine, jobs *JobSource, stop func()) []*job.Result {
	t.Helper()
	results := make(chan *job.Result, 200)
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background(), jobs, results) }()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not end after the stop")
	}
	close(results)
	var rs []*job.Result
	for r := range results {
		rs = append(rs, r)
	}
	return rs
}

// checkAccounted checks that the results are jobs 1..n, each once, and
// that the jobs after the first two (which ran) were not started, with
// cause in their error.
func checkAccounted(t *testing.T, e *Engine, rs []*job.Result, cause string) {
	t.Helper()
	seen := make(map[int64]bool)
	for _, r := range rs {
		if seen[r.Job.Seq] {
			t.Errorf("job %d reported twice", r.Job.Seq)
		}
		seen[r.Job.Seq] = true
		if r.Job.Seq > 2 && (r.Status != job.StatusSkipped || r.Err == nil || r.Err.Error() != "not started: "+cause) {
			t.Errorf("job %d: %s %v, want skipped, not started: %s", r.Job.Seq, r.Status, r.Err, cause)
		}
	}
	for seq := int64(1); seq <= int64(len(rs)); seq++ {
		if !seen[seq] {
			t.Errorf("job %d of %d read was not reported", seq, len(rs))
		}
	}
	notStarted, unread := e.Left()
	if notStarted != len(rs)-2 || !unread {
		t.Errorf("Left() = %d, %v; want %d not started and input unread", notStarted, unread, len(rs)-2)
	}
	// The 2 that ran, one waiting for a slot, the queue and the one the
	// reader held.
	if len(rs) < 3 || len(rs) > 2+1+2*e.Workers+1 {
		t.Errorf("%d jobs reported: want the 2 that ran and the few read ahead", len(rs))
	}
}

// A cancelled run (SIGINT, a closed stdout) reports every job it read:
// the running ones as stopped, the others as not started with the cause.
func TestCancelReportsEveryJobRead(t *testing.T) {
	started := make(chan int64, 100)
	e := &Engine{Workers: 2, Runner: blockUntilStopped(started), Expand: &job.Expander{}, Spool: spool.New(1<<20, "")}
	ctx, cancel := context.WithCancelCause(context.Background())
	results := make(chan *job.Result, 200)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, NewPipeJobSource(manyBlocks(100)), results) }()
	<-started
	<-started
	cancel(errors.New("interrupted by SIGINT"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(results)
	var rs []*job.Result
	for r := range results {
		if r.Job.Seq <= 2 && (r.Status != job.StatusSkipped || r.Err.Error() != "interrupted by SIGINT (sent SIGTERM)") {
			t.Errorf("running job %d: %s %v", r.Job.Seq, r.Status, r.Err)
		}
		rs = append(rs, r)
	}
	checkAccounted(t, e, rs, "interrupted by SIGINT")
}

// Drain (SIGHUP) lets running jobs finish and reports the jobs read but
// not started with DrainCause.
func TestDrainReportsEveryJobRead(t *testing.T) {
	started := make(chan int64, 100)
	release := make(chan struct{})
	drain := make(chan struct{})
	e := &Engine{Workers: 2, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""), Drain: drain, DrainCause: errors.New("SIGHUP"),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			started <- task.Job.Seq
			<-release
			return job.Outcome{Status: job.StatusOK}
		})}
	rs := runStopped(t, e, NewPipeJobSource(manyBlocks(100)), func() {
		<-started
		<-started
		close(drain)
		close(release)
	})
	for _, r := range rs {
		if r.Job.Seq <= 2 && !r.OK() {
			t.Errorf("running job %d did not finish: %s %v", r.Job.Seq, r.Status, r.Err)
		}
	}
	checkAccounted(t, e, rs, "SIGHUP")
}

// blockingBlocks yields n blocks, then blocks as a pipe without data does
// until end closes.
type blockingBlocks struct {
	n       int
	blocked chan struct{}
	end     chan struct{}
	once    sync.Once
}

func (b *blockingBlocks) Next() ([]byte, error) {
	if b.n == 0 {
		b.once.Do(func() { close(b.blocked) })
		<-b.end // a terminal nobody types on
		return nil, io.EOF
	}
	b.n--
	return []byte("x\n"), nil
}

// A stop while the input blocks (a pipe, a terminal) does not wait for
// it: the jobs read are reported, and the run ends with input unread.
func TestStopDoesNotWaitForBlockedInput(t *testing.T) {
	started := make(chan int64, 100)
	drain := make(chan struct{})
	e := &Engine{Workers: 2, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""), Drain: drain, DrainCause: errors.New("SIGHUP"),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			started <- task.Job.Seq
			return job.Outcome{Status: job.StatusOK}
		})}
	in := &blockingBlocks{n: 3, blocked: make(chan struct{}), end: make(chan struct{})}
	defer close(in.end)
	rs := runStopped(t, e, NewPipeJobSource(in), func() {
		<-in.blocked
		for range 3 {
			<-started
		}
		close(drain)
	})
	if len(rs) != 3 {
		t.Fatalf("%d results, want the 3 jobs read", len(rs))
	}
	if _, unread := e.Left(); !unread {
		t.Error("Left: input read to its end, want unread")
	}
}
