package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
)

// echoBatcher answers each record with itself, and fails a record "fail"
// (exit 3) after it wrote "part": as a job of its own (Run) or in a block
// (RunBatch).
type echoBatcher struct{ blocks, jobs atomic.Int64 }

var errFailRecord = errors.New("failed on purpose")

func (b *echoBatcher) Window() int { return 8 }

func (b *echoBatcher) Run(_ context.Context, t *job.Task) job.Outcome {
	defer t.CloseWriters()
	b.jobs.Add(1)
	rec := t.Job.Records[0].Raw
	if rec == "fail" {
		t.Stdout.Write([]byte("part"))
		return job.Outcome{Status: job.StatusFailed, Exit: 3, Err: errFailRecord}
	}
	t.Stdout.Write([]byte(rec + "\n"))
	return job.Outcome{Status: job.StatusOK}
}

func (b *echoBatcher) RunBatch(_ context.Context, bt *job.Batch) {
	b.blocks.Add(1)
	bt.Queued()
	// A block takes a while, as a worker's does: the reader fills the
	// queue meanwhile, so that the next blocks are full however slow the
	// reading is (the race detector, a busy machine); a block takes only
	// the jobs already read.
	time.Sleep(2 * time.Millisecond)
	for i, rec := range bt.Records {
		if rec == "fail" {
			bt.Out.Failed(i, job.Outcome{Status: job.StatusFailed, Exit: 3, Err: errFailRecord}, []byte("part"))
			continue
		}
		bt.Out.Answer(i, []byte(rec+"\n"))
	}
}

// runEcho runs n records (every 97th "fail") through echoBatcher and
// returns the results in input order.
func runEcho(t *testing.T, n int, batch bool) ([]*job.Result, *echoBatcher) {
	t.Helper()
	var in strings.Builder
	for i := 1; i <= n; i++ {
		if i%97 == 0 {
			in.WriteString("fail\n")
		} else {
			fmt.Fprintf(&in, "%d\n", i)
		}
	}
	src, err := input.Open(input.Config{}, strings.NewReader(in.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &echoBatcher{}
	e := &Engine{Workers: 2, Runner: b, Expand: &job.Expander{}, Spool: spool.New(1<<20, ""), Batch: batch}
	results := make(chan *job.Result, n)
	if err := e.Run(context.Background(), NewJobSource(src), results); err != nil {
		t.Fatal(err)
	}
	close(results)
	var rs []*job.Result
	for r := range results {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b *job.Result) int { return int(a.Job.Seq - b.Job.Seq) })
	return rs, b
}

// TestBatchPath: with Batch, a Batcher gets blocks; the jobs that succeed
// come as block results, each failure as a result of its own, and in
// order they hold every job once and the bytes of a job per record.
func TestBatchPath(t *testing.T) {
	const n = 5000
	blocks, b := runEcho(t, n, true)
	if b.jobs.Load() != 0 || b.blocks.Load() == 0 {
		t.Fatalf("%d jobs run one by one and %d blocks, want blocks only", b.jobs.Load(), b.blocks.Load())
	}
	single, _ := runEcho(t, n, false)
	if len(single) != n {
		t.Fatalf("job per record: %d results, want %d", len(single), n)
	}
	if len(blocks) >= n/10 {
		t.Errorf("%d results for %d jobs: the batch path made results per job", len(blocks), n)
	}
	var got, want bytes.Buffer
	next, failed := int64(1), 0
	for _, r := range blocks {
		if r.Job.Seq != next {
			t.Fatalf("result for job %d, want job %d", r.Job.Seq, next)
		}
		next = r.Last().Seq + 1
		out, err := r.Stdout.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		got.Write(out)
		if r.Status != job.StatusOK {
			failed++
			if r.Batch != nil || r.Status != job.StatusFailed || r.Exit != 3 || !errors.Is(r.Err, errFailRecord) || r.Attempts != 1 || r.Job.Seq%97 != 0 {
				t.Errorf("failure %+v", r)
			}
		}
		for _, j := range r.Batch {
			if j.Records[0].Raw == "fail" {
				t.Errorf("job %d failed but is in a block", j.Seq)
			}
		}
	}
	if next != n+1 || failed != n/97 {
		t.Errorf("results end before job %d with %d failures, want %d and %d", next, failed, n+1, n/97)
	}
	for _, r := range single {
		out, _ := r.Stdout.Bytes()
		want.Write(out)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("the batch path wrote %d bytes, a job per record %d: not the same", got.Len(), want.Len())
	}
}
