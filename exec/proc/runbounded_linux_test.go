package proc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestRunBoundedKillsWhatItStarted checks that the lifeline's command for a
// dead pmap (the scancel pipeline of --slurm) takes what it started with it
// when its time is up: a pipeline waiting on a dead slurmctld must not
// outlive the lifeline.
func TestRunBoundedKillsWhatItStarted(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	runBounded([]string{"sh", "-c", `sleep 100 & echo $! > "$0"; wait`, pidFile}, 300*time.Millisecond)
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("runBounded returned after %v", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for unix.Kill(pid, 0) == nil {
		if st, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); strings.Contains(string(st), ") Z ") {
			break // killed, waiting for its reaper
		}
		if time.Now().After(deadline) {
			_ = unix.Kill(pid, unix.SIGKILL)
			t.Fatalf("the command's child %d outlived runBounded", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
