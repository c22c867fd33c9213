package proc

import (
	"bytes"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// closeBuffer is a job's output stream: it keeps what it gets, says when
// the first bytes came, and whether Collect closed it.
type closeBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	first  chan struct{}
	once   sync.Once
	closed bool
}

func newCloseBuffer() *closeBuffer { return &closeBuffer{first: make(chan struct{})} }

func (b *closeBuffer) Write(p []byte) (int, error) {
	b.once.Do(func() { close(b.first) })
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *closeBuffer) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

func (b *closeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Collect copies both output pipes whole, closes each writer at its
// pipe's end and reports the exit status, whether it reads them on its own
// thread (direct) or in the poller; direct, it starts no goroutine for
// them: one wake-up a job, as a C program's wait.
func TestCollect(t *testing.T) {
	for _, direct := range []bool{true, false} {
		t.Run("direct="+strconv.FormatBool(direct), func(t *testing.T) {
			if w, ok := directSet(); !ok && direct {
				t.Skip("no pidfd: Collect reads in the poller")
			} else if ok {
				w.put()
			}
			waits := blockingWaits.n.Load()
			out, errs := newCloseBuffer(), newCloseBuffer()
			sampled := make(chan int, 1)
			started := make(chan *Child, 1)
			before := runtime.NumGoroutine()
			go func() {
				c := <-started
				<-out.first // the job runs, and waits for the sampling
				sampled <- runtime.NumGoroutine() - 1
				c.Stdin.WriteString("go\n")
				c.Stdin.Close()
			}()
			// More than a pipe holds on each stream, written in turns,
			// then an exit status.
			c := startSh(t, `echo started; read x; i=0; while [ $i -lt 2000 ]; do
				echo "out $i ................................................................"
				echo "err $i ................................................................" >&2
				i=$((i+1)); done; exit 5`, &Spec{Collect: direct})
			if c.direct != direct {
				t.Fatalf("direct %v", c.direct)
			}
			started <- c
			st, err := c.Collect(out, errs)
			if err != nil || st.ExitCode() != 5 {
				t.Fatalf("state %v, %v", st, err)
			}
			during := <-sampled
			t.Logf("goroutines: %d before, %d while the job ran", before, during)
			if direct && during > before {
				t.Errorf("%d goroutines while the job ran, %d before: Collect started some", during, before)
			}
			for name, b := range map[string]*closeBuffer{"out": out, "err": errs} {
				lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(b.String(), "started\n"), "\n"), "\n")
				if len(lines) != 2000 || lines[1999] != name+" 1999 ................................................................" {
					t.Errorf("%s: %d lines, last %q", name, len(lines), lines[len(lines)-1])
				}
				if !b.closed {
					t.Errorf("%s: writer not closed", name)
				}
			}
			if children.has(c.Pid) {
				t.Error("child still registered")
			}
			if n := blockingWaits.n.Load(); n != waits {
				t.Errorf("blocking waits %d, %d before", n, waits)
			}
		})
	}
}

// Collect does not wait for a process that left the job's group and holds
// its output open: after twice DrainGrace it stops reading.
func TestCollectEscapee(t *testing.T) {
	setsid, err := osexec.LookPath("setsid")
	if err != nil {
		t.Skip(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	out, errs := newCloseBuffer(), newCloseBuffer()
	start := time.Now()
	c := startSh(t, setsid+` sh -c 'echo $$ > `+pidFile+`; exec sleep 100' & echo done`, &Spec{Collect: true})
	st, err := c.Collect(out, errs)
	if err != nil || st.ExitCode() != 0 || out.String() != "done\n" || !out.closed {
		t.Fatalf("state %v %v, output %q", st, err, out.String())
	}
	if d := time.Since(start); d < 2*DrainGrace || d > 2*DrainGrace+10*time.Second {
		t.Errorf("Collect took %v", d)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	if pid, _ := strconv.Atoi(strings.TrimSpace(string(data))); pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}
