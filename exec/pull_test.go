package exec

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
)

// dispatched makes e run its jobs through Run's loop rather than let its
// slots take them (a throttle that never waits).
func dispatched(e *Engine) *Engine {
	e.Throttle = func(context.Context) error { return nil }
	return e
}

// runAll runs n jobs through e and returns their results by job number.
func runAll(t *testing.T, e *Engine, n int) map[int64]*job.Result {
	t.Helper()
	results := make(chan *job.Result, n+1)
	if err := e.Run(context.Background(), NewPipeJobSource(manyBlocks(n)), results); err != nil {
		t.Fatal(err)
	}
	close(results)
	byJob := map[int64]*job.Result{}
	for r := range results {
		if byJob[r.Job.Seq] != nil {
			t.Fatalf("job %d reported twice", r.Job.Seq)
		}
		byJob[r.Job.Seq] = r
	}
	if len(byJob) != n {
		t.Fatalf("%d jobs reported, want %d", len(byJob), n)
	}
	return byJob
}

// A run whose slots take their jobs themselves starts jobs 1 to N on slots
// 1 to N, as Run's loop does, even when every job ends at once.
func TestPullFirstJobsOnTheirSlots(t *testing.T) {
	for _, mode := range []string{"pulled", "dispatched"} {
		for range 50 {
			var mu sync.Mutex
			slots := map[int64]int{}
			e := &Engine{Workers: 4, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
				Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
					mu.Lock()
					slots[task.Job.Seq] = task.Slot
					mu.Unlock()
					return job.Outcome{Status: job.StatusOK}
				})}
			if mode == "dispatched" {
				dispatched(e)
			}
			if got := e.pulls(); got != (mode == "pulled") {
				t.Fatalf("%s: pulls() = %v", mode, got)
			}
			runAll(t, e, 12)
			for seq := int64(1); seq <= 4; seq++ {
				if slots[seq] != int(seq) {
					t.Fatalf("%s: job %d ran on slot %d, want %d (slots %v)", mode, seq, slots[seq], seq, slots)
				}
			}
		}
	}
}

// A run with fewer jobs than slots ends: the slots without a job stop.
func TestPullFewerJobsThanSlots(t *testing.T) {
	e := &Engine{Workers: 8, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			return job.Outcome{Status: job.StatusOK}
		})}
	for _, n := range []int{0, 1, 3} {
		runAll(t, e, n)
	}
}

// Slots that take their jobs themselves and Run's loop give the same
// results: every job once, and under --halt the same jobs skipped.
func TestPullSameAsDispatched(t *testing.T) {
	halts := []Halt{{}, {Kind: HaltFail, Count: 1}, {Kind: HaltFail, Count: 1, Now: true}, {Kind: HaltSuccess, Count: 3}}
	for _, h := range halts {
		var got [2]string
		for i, mode := range []string{"pulled", "dispatched"} {
			// One slot: which jobs a policy skips does not depend on timing.
			e := &Engine{Workers: 1, Halt: h, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
				Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
					if task.Job.Seq%5 == 0 {
						return job.Outcome{Status: job.StatusFailed, Exit: 1}
					}
					return job.Outcome{Status: job.StatusOK}
				})}
			if mode == "dispatched" {
				dispatched(e)
			}
			byJob := runAll(t, e, 30)
			var lines []string
			for seq, r := range byJob {
				lines = append(lines, fmt.Sprintf("%02d %s %v", seq, r.Status, r.Err))
			}
			sort.Strings(lines)
			got[i] = fmt.Sprint(lines)
		}
		if got[0] != got[1] {
			t.Errorf("halt %+v:\npulled     %s\ndispatched %s", h, got[0], got[1])
		}
	}
}

// BenchmarkEngineShortJobs is the engine's own cost per job (reading its
// record included) for jobs that take no time, with the slots taking their jobs themselves (pulled) and
// through Run's loop (dispatched).
func BenchmarkEngineShortJobs(b *testing.B) {
	for _, mode := range []string{"pulled", "dispatched"} {
		b.Run(mode, func(b *testing.B) {
			e := &Engine{Workers: 2, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
				Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
					return job.Outcome{Status: job.StatusOK}
				})}
			if mode == "dispatched" {
				dispatched(e)
			}
			results := make(chan *job.Result, e.ResultRoom())
			go func() {
				for range results {
				}
			}()
			defer close(results)
			lines := bytes.Repeat([]byte("/data/logs/app.log\n"), b.N)
			jobs := NewJobSource(input.NewDelimited(bytes.NewReader(lines), "\n", "bench"))
			b.ReportAllocs()
			b.ResetTimer()
			if err := e.Run(context.Background(), jobs, results); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// A run of few jobs starts few goroutines whatever the worker count (-j
// 100000 over 3 records): a slot starts once the slot before it has a job.
func TestPullStartsSlotsAsJobsCome(t *testing.T) {
	before := runtime.NumGoroutine()
	started := make(chan int64, 3)
	e := &Engine{Workers: 100000, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			started <- task.Job.Seq
			return job.Outcome{Status: job.StatusOK}
		})}
	// The input blocks after 3 records: every slot started waits for a
	// job.
	in := &blockingBlocks{n: 3, blocked: make(chan struct{}), end: make(chan struct{})}
	results := make(chan *job.Result, 10)
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background(), NewPipeJobSource(in), results) }()
	for range 3 {
		<-started
	}
	<-in.blocked
	time.Sleep(100 * time.Millisecond) // slots started at once would be counted
	n := runtime.NumGoroutine() - before
	close(in.end)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n > 50 {
		t.Fatalf("%d goroutines more while 3 jobs had come, want a few", n)
	}
}
