package proc

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// threadsWaiting counts this process's threads blocked in a system call
// that waits for a job (poll, ppoll, wait4, waitid), from
// /proc/self/task/*/syscall, whose first field is the call's number.
func threadsWaiting(t *testing.T) int {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/syscall")
	if err != nil || len(tasks) == 0 {
		t.Skipf("no /proc/self/task: %v", err)
	}
	n := 0
	for _, p := range tasks {
		data, err := os.ReadFile(p)
		if err != nil {
			continue // the thread ended
		}
		switch strings.Fields(string(data) + " -")[0] {
		case "7", "271", "61", "247": // poll, ppoll, wait4, waitid (amd64)
			n++
		}
	}
	return n
}

// Jobs collected direct hold no thread while they run, however many run:
// each waits in the runtime's poller (waitSet), where a thread blocked in
// poll(2) would keep the runtime's monitor waking every 20 us.
func TestCollectHoldsNoThread(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil || !pidfdWorks() {
		t.Skip("no /proc or no pidfd")
	}
	n := int(maxBlockingWaits()) + 4
	var wg sync.WaitGroup
	children := make([]*Child, n)
	for i := range children {
		c := startSh(t, `read x; echo "got $x"`, &Spec{Collect: true})
		if !c.direct {
			t.Fatalf("job %d of %d not direct", i+1, n)
		}
		children[i] = c
	}
	outs := make([]*closeBuffer, n)
	for i, c := range children {
		outs[i] = newCloseBuffer()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, err := c.Collect(outs[i], newCloseBuffer()); err != nil || st.ExitCode() != 0 {
				t.Errorf("job %d: %v %v", i+1, st, err)
			}
		}()
	}
	// Every Collect has had time to block, were it to: the jobs wait for
	// their input, which comes after the look.
	var waiting int
	for range 5 {
		time.Sleep(20 * time.Millisecond)
		waiting = max(waiting, threadsWaiting(t))
	}
	for _, c := range children {
		c.Stdin.WriteString("go\n")
		c.Stdin.Close()
	}
	wg.Wait()
	if waiting > 0 {
		t.Errorf("%d threads blocked waiting for %d jobs", waiting, n)
	}
	for i, o := range outs {
		if o.String() != "got go\n" || !o.closed {
			t.Errorf("job %d: output %q, closed %v", i+1, o.String(), o.closed)
		}
	}
}

// A child whose pidfd could not join its waitSet (exitPolled) is still
// collected whole, its end found by looking for it.
func TestCollectExitPolled(t *testing.T) {
	if !pidfdWorks() {
		t.Skip("no pidfd")
	}
	c := startSh(t, `read x; echo out; echo err >&2; exit 3`, &Spec{Collect: true})
	if !c.direct {
		t.Fatal("not direct")
	}
	c.set.remove(c.entry.pidfd) // as if its add had failed
	c.exitPolled = true
	c.Stdin.Close()
	out, errs := newCloseBuffer(), newCloseBuffer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		st, err := c.Collect(out, errs)
		if err != nil || st.ExitCode() != 3 {
			t.Errorf("state %v, %v", st, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a hang, not a speed
		t.Fatal("Collect did not see the process end")
	}
	if out.String() != "out\n" || errs.String() != "err\n" || !out.closed || !errs.closed {
		t.Errorf("output %q %q", out.String(), errs.String())
	}
	if children.has(c.Pid) {
		t.Error("child still registered")
	}
}

// A direct child's output pipes end with its exit, not when it closes
// them: pmap holds their write ends, so that a job that writes nothing
// wakes Collect once, at its end.
func TestCollectPipesEndAtExit(t *testing.T) {
	if !pidfdWorks() {
		t.Skip("no pidfd")
	}
	marker := filepath.Join(t.TempDir(), "closed")
	c := startSh(t, `exec >&- 2>&-; : > `+marker+`; read x; exit 0`, &Spec{Collect: true})
	if !c.direct {
		t.Fatal("not direct")
	}
	out, errs := newCloseBuffer(), newCloseBuffer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if st, err := c.Collect(out, errs); err != nil || st.ExitCode() != 0 {
			t.Errorf("state %v, %v", st, err)
		}
	}()
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The job has closed its output; a Collect that saw the pipes end
	// would close its writers now. (Whatever the machine's speed, with
	// the write ends held they stay open: this can only pass.)
	time.Sleep(100 * time.Millisecond)
	out.mu.Lock()
	early := out.closed
	out.mu.Unlock()
	c.Stdin.Close()
	<-done
	if early {
		t.Error("the output ended before the process did")
	}
	if !out.closed || !errs.closed {
		t.Error("writers not closed at the end")
	}
}
