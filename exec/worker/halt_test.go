package worker

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// blockingOut is a job.BatchOut whose first Answer waits for release:
// pmap's reader is then behind the worker, whose next answers wait in
// its stdout pipe.
type blockingOut struct {
	first   chan struct{} // closed as the first answer comes
	release chan struct{}
	mu      sync.Mutex
	answers map[int]string
	failed  map[int]job.Outcome
}

func (b *blockingOut) Answer(i int, line []byte) {
	if i == 0 {
		close(b.first)
		<-b.release
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.answers[i] = string(line)
}

func (b *blockingOut) Failed(i int, o job.Outcome, _ []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failed[i] = o
}

// A worker stopped while its answer to a record waits in its stdout pipe,
// not yet read: the record is answered, not stopped; only the record it
// holds unanswered is stopped.
func TestHaltReadsAnswersInPipe(t *testing.T) {
	dir := t.TempDir()
	answered, wrote := filepath.Join(dir, "answered"), filepath.Join(dir, "wrote")
	p, _ := newTestWorkers(t, `IFS= read -r a; echo "ok $a"
while ! test -e `+answered+`; do sleep 0.01; done
IFS= read -r b; echo "ok $b"; echo > `+wrote+`
IFS= read -r c; sleep 30`, 0)
	out := &blockingOut{first: make(chan struct{}), release: make(chan struct{}),
		answers: map[int]string{}, failed: map[int]job.Outcome{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.RunBatch(ctx, &job.Batch{Slot: 1, Records: []string{"1", "2", "3"}, Out: out})
	}()
	<-out.first
	// The reader is held in the first answer; the worker answers the
	// second record into its pipe and hangs on the third.
	if err := os.WriteFile(answered, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(wrote); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker never answered the second record")
		}
	}
	s := p.slot(1)
	s.mu.Lock()
	w := s.w
	s.mu.Unlock()
	cancel() // the run stops: the worker is halted
	for halted := false; !halted; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		halted = w.stopping
		s.mu.Unlock()
	}
	close(out.release)
	<-done
	if out.answers[0] != "ok 1\n" || out.answers[1] != "ok 2\n" {
		t.Errorf("answers %v, want ok 1 and ok 2", out.answers)
	}
	if o, ok := out.failed[2]; !ok || !o.Stopped {
		t.Errorf("record 3: %+v, want stopped", out.failed[2])
	}
	if len(out.failed) != 1 {
		t.Errorf("failed %v, want only record 3", out.failed)
	}
}
