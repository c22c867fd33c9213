package exec

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// goroutineID is the calling goroutine's number, read from its stack
// header ("goroutine N [running]:").
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf, _, _ = bytes.Cut(bytes.TrimPrefix(buf, []byte("goroutine ")), []byte(" "))
	return string(buf)
}

// Each slot runs all of its jobs on one goroutine: a goroutine per job
// grows a new stack for every job, which costs more than a short job.
func TestSlotRunsJobsOnOneGoroutine(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]map[string]bool{}
	run := runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
		mu.Lock()
		defer mu.Unlock()
		if seen[task.Slot] == nil {
			seen[task.Slot] = map[string]bool{}
		}
		seen[task.Slot][goroutineID()] = true
		return job.Outcome{Status: job.StatusOK}
	})
	e := &Engine{Workers: 3, Runner: run, Expand: &job.Expander{}, Spool: spool.New(1<<20, "")}
	results := make(chan *job.Result, 300)
	if err := e.Run(context.Background(), NewPipeJobSource(manyBlocks(300)), results); err != nil {
		t.Fatal(err)
	}
	close(results)
	n := 0
	for r := range results {
		if r.Status != job.StatusOK {
			t.Errorf("job %d: %s %v", r.Job.Seq, r.Status, r.Err)
		}
		n++
	}
	if n != 300 {
		t.Fatalf("%d results, want 300", n)
	}
	for slot, ids := range seen {
		if len(ids) != 1 {
			t.Errorf("slot %d ran its jobs on %d goroutines, want 1", slot, len(ids))
		}
	}
}
