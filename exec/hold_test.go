package exec

import (
	"context"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

func shortResult(seq int64) *job.Result {
	return &job.Result{Job: &job.Job{Seq: seq}, Duration: time.Microsecond}
}

// received returns what out holds now, without waiting.
func received(out chan *job.Result) []int64 {
	var seqs []int64
	for {
		select {
		case r := <-out:
			seqs = append(seqs, r.Job.Seq)
		default:
			return seqs
		}
	}
}

// Short jobs' results go on holdMax at a time while the slot has jobs at
// hand, in the order they ended.
func TestHoldHandsOnInBlocks(t *testing.T) {
	out := make(chan *job.Result, 2*holdMax)
	h := &resultHold{out: out, after: time.Hour} // the timer plays no part
	for i := range int64(holdMax - 1) {
		h.pass(shortResult(i+1), true)
	}
	if got := received(out); len(got) != 0 {
		t.Fatalf("%d results handed on before %d were held", len(got), holdMax)
	}
	h.pass(shortResult(holdMax), true)
	got := received(out)
	if len(got) != holdMax {
		t.Fatalf("handed on %d results, want %d", len(got), holdMax)
	}
	for i, seq := range got {
		if seq != int64(i+1) {
			t.Fatalf("result %d is job %d, want %d", i, seq, i+1)
		}
	}
}

// A result goes on at once, after those held, when its job was long or
// the slot has no job at hand (it is about to wait); flush hands on what
// is held.
func TestHoldPassesAtOnce(t *testing.T) {
	out := make(chan *job.Result, 2*holdMax)
	h := &resultHold{out: out, after: time.Hour}
	h.pass(shortResult(1), true)
	long := shortResult(2)
	long.Duration = shortJob
	h.pass(long, true)
	if got := received(out); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("after a long job: handed on %v, want [1 2]", got)
	}
	h.pass(shortResult(3), true)
	h.pass(shortResult(4), false)
	if got := received(out); len(got) != 2 || got[0] != 3 || got[1] != 4 {
		t.Fatalf("with no job at hand: handed on %v, want [3 4]", got)
	}
	h.pass(shortResult(5), true)
	h.flush()
	if got := received(out); len(got) != 1 || got[0] != 5 {
		t.Fatalf("after flush: handed on %v, want [5]", got)
	}
}

// A held result goes on by itself once holdFor has passed: a slot whose
// next job is long does not keep it until that job ends.
func TestHoldTimesOut(t *testing.T) {
	out := make(chan *job.Result, 2*holdMax)
	h := &resultHold{out: out}
	for round := int64(1); round <= 2; round++ { // the timer is reused
		h.pass(shortResult(round), true)
		select {
		case r := <-out:
			if r.Job.Seq != round {
				t.Fatalf("handed on job %d, want %d", r.Job.Seq, round)
			}
		case <-time.After(time.Minute):
			t.Fatalf("round %d: the held result was never handed on", round)
		}
	}
	h.flush() // nothing held: nothing sent
	if got := received(out); len(got) != 0 {
		t.Fatalf("flush with nothing held handed on %v", got)
	}
}

// The slots of a run hand on every result, each once, whether the input
// comes faster than the jobs or not; and a slot that waits for input does
// not keep the results of the jobs before it (they come while the input
// is still open).
func TestHoldInRun(t *testing.T) {
	e := &Engine{Workers: 2, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""),
		Runner: runnerFunc(func(ctx context.Context, task *job.Task) job.Outcome {
			return job.Outcome{Status: job.StatusOK}
		})}
	runAll(t, e, 10000)

	in := &blockingBlocks{n: 3, blocked: make(chan struct{}), end: make(chan struct{})}
	results := make(chan *job.Result, e.ResultRoom())
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background(), NewPipeJobSource(in), results) }()
	for range 3 {
		select {
		case <-results:
		case <-time.After(time.Minute):
			t.Fatal("a result held while its slot waits for input")
		}
	}
	close(in.end)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
