package output

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// stdoutWrites counts the writes that reach it (stdout's, past pmap's
// buffer) and keeps their bytes.
type stdoutWrites struct {
	mu     sync.Mutex
	writes int
	b      bytes.Buffer
}

func (c *stdoutWrites) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.b.Write(p)
}

func (c *stdoutWrites) get() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes, c.b.String()
}

// Results that come in quick succession, each found alone on the channel
// (jobs that end one at a time), go out in a few writes, not in one write
// each: a write per short job costs more than the job.
func TestFlushPaced(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var c stdoutWrites
	buf := bufio.NewWriterSize(&c, 64<<10)
	w := New(Options{Stdout: buf, Stderr: &bytes.Buffer{}})
	const n = 4000
	results := make(chan *job.Result) // unbuffered: Consume catches up after each
	go func() {
		for i := int64(1); i <= n; i++ {
			results <- result(sp, i, "x", strconv.FormatInt(i, 10)+"\n")
		}
		close(results)
	}()
	start := time.Now()
	w.Consume(results)
	elapsed := time.Since(start)
	writes, out := c.get()
	var want strings.Builder
	for i := 1; i <= n; i++ {
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	if out != want.String() {
		t.Fatalf("output is not the jobs' output in order")
	}
	// At most one write per flushEvery, plus the last; a slow machine
	// takes longer and so writes more, which the bound allows for.
	if limit := int(elapsed/flushEvery) + 2; writes > limit || writes > n/4 {
		t.Fatalf("%d results in %v took %d writes; want at most %d", n, elapsed, writes, min(limit, n/4))
	}
}

// A flush put off because results came in quick succession still happens
// when no result follows: the output of a job is not held until the next
// job ends.
func TestFlushPutOffStillHappens(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var c stdoutWrites
	buf := bufio.NewWriterSize(&c, 64<<10)
	w := New(Options{Stdout: buf, Stderr: &bytes.Buffer{}})
	results := make(chan *job.Result)
	done := make(chan struct{})
	go func() {
		w.Consume(results)
		close(done)
	}()
	// Many results quickly, so that a flush is put off for the last ones;
	// then none, with the channel still open (a long job runs).
	const n = 50
	var want strings.Builder
	for i := int64(1); i <= n; i++ {
		s := strconv.FormatInt(i, 10) + "\n"
		want.WriteString(s)
		results <- result(sp, i, "x", s)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, out := c.get(); out == want.String() {
			break
		}
		if time.Now().After(deadline) {
			_, out := c.get()
			t.Fatalf("output held while no result comes: got %d bytes, want %d", len(out), want.Len())
		}
		time.Sleep(time.Millisecond)
	}
	close(results)
	<-done
}
