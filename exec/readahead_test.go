package exec

import (
	"bytes"
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// After a job that was not short, the reader queues two jobs a slot, and
// one more as soon as a slot takes one.
func TestReadAheadNear(t *testing.T) {
	queue := make(chan *job.Job, 8)
	ra := newReadAhead(1)
	long := shortResult(0)
	long.Duration = shortJob
	ra.ran(long)
	ctx := context.Background()
	for range 2 {
		ra.send(ctx, nil, queue, &job.Job{})
	}
	sent := make(chan bool)
	go func() { sent <- ra.send(ctx, nil, queue, &job.Job{}) }()
	waitFor(t, "the reader to wait for room", ra.waiting.Load)
	ra.taken(<-queue, queue)
	if !<-sent {
		t.Fatal("send failed")
	}
	if n := len(queue); n != 2 {
		t.Fatalf("%d jobs queued, want 2", n)
	}
}

// After a short job, the reader fills the queue, then waits until the slots have taken half
// of it: one wake-up for half a queue, not one per job.
func TestReadAheadWaitsForHalf(t *testing.T) {
	queue := make(chan *job.Job, 8)
	ra := newReadAhead(1)
	ra.ran(shortResult(0))
	ctx := context.Background()
	for seq := range int64(8) {
		if !ra.send(ctx, nil, queue, &job.Job{Seq: seq + 1}) {
			t.Fatal("send into a queue with room failed")
		}
	}
	sent := make(chan bool)
	go func() { sent <- ra.send(ctx, nil, queue, &job.Job{Seq: 9}) }()
	waitFor(t, "the reader to wait for room", ra.waiting.Load)
	take := func() {
		ra.taken(<-queue, queue)
	}
	for range 3 {
		take()
	}
	select {
	case <-sent:
		t.Fatal("the reader went on with 5 of 8 jobs queued")
	default:
	}
	take() // 4 of 8 left: half
	if !<-sent {
		t.Fatal("send failed")
	}
	if n := len(queue); n != 5 {
		t.Fatalf("%d jobs queued, want 5", n)
	}
}

// Long records are not read far ahead: past two jobs a slot, the reader
// queues at most readAheadBytes of them, however short the jobs.
func TestReadAheadBoundsBytes(t *testing.T) {
	var read atomic.Int64
	record := append(bytes.Repeat([]byte("x"), 100<<10), '\n')
	src := &countingBlocks{n: 300, block: record, read: &read}
	release := make(chan struct{})
	// Short jobs first: the reader reads far ahead, as far as the bytes
	// let it, while job 21 waits.
	e := &Engine{Workers: 1, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			if task.Job.Seq > 20 {
				<-release
			}
			return job.Outcome{Status: job.StatusOK}
		})}
	results := make(chan *job.Result, e.ResultRoom())
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background(), NewPipeJobSource(src), results) }()
	// Let the reader read as far as it will while job 21 waits.
	waitFor(t, "job 21", func() bool { return read.Load() > 21 })
	last := int64(-1)
	for read.Load() != last {
		last = read.Load()
		time.Sleep(200 * time.Millisecond)
	}
	// 20 done, 1 MiB of 100 KiB records (11), the one the slot holds, the
	// one the reader holds: 33; without the bound it reads 256 ahead.
	if n := read.Load(); n > 33 {
		t.Errorf("read %d records of 100 KiB, 20 jobs done and job 21 running, want at most 33", n)
	}
	close(release)
	go func() {
		for range results {
		}
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(results)
}

// countingBlocks is a BlockSource of n copies of block that counts the
// blocks read.
type countingBlocks struct {
	n     int
	block []byte
	read  *atomic.Int64
}

func (c *countingBlocks) Next() ([]byte, error) {
	if c.n == 0 {
		return nil, io.EOF
	}
	c.n--
	c.read.Add(1)
	return c.block, nil
}

// A reader waiting for room gives up when the run stops.
func TestReadAheadStops(t *testing.T) {
	queue := make(chan *job.Job, 4)
	ra := newReadAhead(1)
	ra.ran(shortResult(0))
	for range 4 {
		ra.send(context.Background(), nil, queue, &job.Job{})
	}
	ctx, cancel := context.WithCancel(context.Background())
	sent := make(chan bool)
	go func() { sent <- ra.send(ctx, nil, queue, &job.Job{}) }()
	waitFor(t, "the reader to wait for room", ra.waiting.Load)
	cancel()
	if <-sent {
		t.Fatal("a job was queued after the stop")
	}
	drain := make(chan struct{})
	close(drain)
	if ra.send(context.Background(), drain, queue, &job.Job{}) {
		t.Fatal("a job was queued after Drain closed")
	}
}
