package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether pid runs or is a zombie no one reaped.
func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

// awaitGone waits (10s at most) for pid to have ended and been reaped.
func awaitGone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("%s (%d) is still there", what, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// zombies lists the children of this process that ended and were not
// reaped.
func zombies() []string {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var z []string
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		for _, pid := range strings.Fields(string(data)) {
			stat, _ := os.ReadFile("/proc/" + pid + "/stat")
			if i := bytes.LastIndexByte(stat, ')'); i >= 0 && bytes.HasPrefix(stat[i+1:], []byte(" Z")) {
				z = append(z, pid)
			}
		}
	}
	return z
}

// escapee starts, in scope, a job that starts `setsid sleep 100` and ends;
// it returns the sleep's pid once the job was waited for.
func escapee(t *testing.T, scope *Scope) int {
	t.Helper()
	c := startSh(t, `setsid sleep 100 </dev/null >/dev/null 2>&1 & echo $!`, &Spec{Scope: scope})
	line, err := bufio.NewReader(c.Stdout).ReadString('\n')
	c.Stdout.Close()
	c.Stderr.Close()
	c.Stdin.Close()
	if _, werr := c.Wait(); err != nil || werr != nil {
		t.Fatal(err, werr)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// A process that left its job's group is the job's still: it is killed
// (and reaped) when the job's scope ends, not before, and not when another
// scope ends.
func TestScopeEndKillsEscapee(t *testing.T) {
	var warn bytes.Buffer
	end := Supervise(Options{Warn: &warn})
	defer end()
	var a, b Scope
	pa, pb := escapee(t, &a), escapee(t, &b)
	a.End()
	awaitGone(t, pa, "the setsid'd process of the ended job")
	time.Sleep(3 * sweepGap)
	if !alive(pb) {
		t.Fatal("the setsid'd process of a running job was killed")
	}
	b.End()
	awaitGone(t, pb, "the setsid'd process of the second job")
	if warn.Len() > 0 {
		t.Errorf("warnings: %s", warn.String())
	}
}

// The end of the supervision kills what is left, scope or not.
func TestSuperviseEndKillsAll(t *testing.T) {
	end := Supervise(Options{})
	var s Scope
	pid := escapee(t, &s)
	end()
	awaitGone(t, pid, "the setsid'd process after the run")
}

// The orphans pmap adopts are reaped as they end, but never a child that
// someone else waits for, however long it waits to: an os/exec command
// (Run registers them so), or one Start started.
func TestReapLeavesOthersChildren(t *testing.T) {
	end := Supervise(Options{})
	defer end()
	// What Run does, with a late Wait.
	cmd := osexec.Command("sh", "-c", "exit 7")
	spawnMu.RLock()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	foreign := &child{kind: kindForeign}
	children.add(cmd.Process.Pid, foreign)
	spawnMu.RUnlock()
	var jobs []*Child
	for i := 0; i < 10; i++ {
		// Its child is orphaned and adopted at once, and ends soon after.
		c := startSh(t, `(sleep 0.02; exit 5) & exit 4`, &Spec{})
		c.Stdin.Close()
		c.Stdout.Close()
		c.Stderr.Close()
		jobs = append(jobs, c)
	}
	// The reaper looks several times meanwhile.
	time.Sleep(5 * reapTick)
	for _, c := range jobs {
		if st, err := c.Wait(); err != nil || st.ExitCode() != 4 {
			t.Fatalf("job: %v %v (its status was taken)", st, err)
		}
	}
	err := cmd.Wait()
	children.remove(cmd.Process.Pid, foreign)
	afterReap()
	var ee *osexec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("os/exec command: %v (its status was taken)", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(zombies()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("zombies left: %v", zombies())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Past the children whose Wait blocks a thread, Wait polls a pidfd: the
// statuses are the same.
func TestWaitPidfd(t *testing.T) {
	if !pidfdWorks() {
		t.Skip("no pidfd on this kernel")
	}
	maxBlockingWaits()
	blockingWaits.n.Add(1 << 30)
	defer blockingWaits.n.Add(-1 << 30)
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	for _, tc := range []struct {
		script string
		want   string
	}{
		{"exit 0", "exit status 0"},
		{"sleep 0.05; exit 9", "exit status 9"},
		{"kill -TERM $$", "signal: terminated"},
	} {
		c := startSh(t, tc.script, &Spec{Stdin: null, Stdout: null, Stderr: null})
		if c.entry.blocking || c.entry.pidfd < 0 {
			t.Fatal("no pidfd")
		}
		st, err := c.Wait()
		if err != nil || st.String() != tc.want {
			t.Errorf("%s: %v %v, want %s", tc.script, st, err, tc.want)
		}
	}
}

// Start waits for a job to end when the system refuses a process, and
// gives up, with the error, when nothing of the run is running.
func TestLimitWait(t *testing.T) {
	var warn bytes.Buffer
	end := Supervise(Options{Warn: &warn})
	defer end()
	var w limitWait
	start := time.Now()
	for limits.wait(context.Background(), limits.mark(), &w) {
	}
	if d := time.Since(start); d < idleLimit/2 || d > 3*idleLimit {
		t.Fatalf("gave up after %v", d)
	}
	limits.warn(syscall.EAGAIN)
	limits.warn(syscall.EMFILE)
	if got := strings.Count(warn.String(), "pmap: warning: "); got != 1 || !strings.Contains(warn.String(), "no more processes can be started") {
		t.Fatalf("warnings: %q", warn.String())
	}
}

func TestMarkerValue(t *testing.T) {
	env := []byte("A=1\x00PMAP_RUN_x=\x00PMAP_RUN_ab=17\x00B=2")
	if v, ok := markerValue(env, "PMAP_RUN_ab="); !ok || v != "17" {
		t.Errorf("got %q %v", v, ok)
	}
	if v, ok := markerValue([]byte("PMAP_RUN_ab=3"), "PMAP_RUN_ab="); !ok || v != "3" {
		t.Errorf("at the start: %q %v", v, ok)
	}
	if _, ok := markerValue([]byte("XPMAP_RUN_ab=3"), "PMAP_RUN_ab="); ok {
		t.Error("found inside another name")
	}
}

// The lifeline mode is entered only with its exact command line.
func TestLifelineArgs(t *testing.T) {
	for _, args := range [][]string{
		{"pmap", lifelineArg},
		{"pmap", lifelineArg, "nothex", "1"},
		{"pmap", lifelineArg, strings.Repeat("a", 24), "x"},
		{"pmap", "-n", strings.Repeat("a", 24), "1"},
	} {
		if _, ok := LifelineMain(args); ok {
			t.Errorf("%q taken for the lifeline mode", args)
		}
	}
}
