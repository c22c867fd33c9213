package main

import (
	"bytes"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pmapCmd runs this test binary as pmap (testscript.Main runs a binary
// called pmap as pmap's main).
func pmapCmd(t *testing.T, exe string, args ...string) *osexec.Cmd {
	t.Helper()
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			t.Fatal(err)
		}
	}
	cmd := osexec.Command(exe, args...)
	cmd.Args[0] = "pmap"
	return cmd
}

// zeros is n records "0".
func zeros(n int) io.Reader { return strings.NewReader(strings.Repeat("0\n", n)) }

// procField reads a field of /proc/PID/status ("Threads").
func procField(pid int, name string) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

// childCount is how many children process pid has.
func childCount(pid int) int {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	n := 0
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		n += len(strings.Fields(string(data)))
	}
	return n
}

// Waiting jobs hold goroutines, not OS threads: with 500 sleeping jobs,
// pmap keeps a few dozen threads (it held one per job, and Go aborts at
// 10,000).
func TestThreadsDoNotGrowWithJobs(t *testing.T) {
	const jobs = 500
	cmd := pmapCmd(t, "", "-n", strconv.Itoa(jobs), "sleep", "60")
	cmd.Stdin = zeros(jobs)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	pid := cmd.Process.Pid
	deadline := time.Now().Add(30 * time.Second)
	for childCount(pid) < jobs && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	started := childCount(pid)
	if n := procField(pid, "Threads"); n < 0 || n > 64 {
		t.Fatalf("pmap runs %d jobs on %d threads", started, n)
	}
	if started < jobs {
		t.Fatalf("%d of %d jobs started after 30s", started, jobs)
	}
}

// Under a low process limit (ulimit -u, which counts the threads of every
// process of the user) jobs wait for others to end, and pmap does not
// abort when it could not create a thread (runtime/cgo: pthread_create
// failed). The limit does not bind root, so pmap runs as nobody.
func TestProcessLimit(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("running pmap as another user needs root")
	}
	prlimit, err := osexec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) is missing")
	}
	// A binary and a directory that nobody may run and use (t.TempDir's
	// parent is root's alone).
	dir, err := os.MkdirTemp("", "pmap-nproc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "pmap")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	const records = 300
	for _, limit := range []int{40, 60} {
		cmd := osexec.Command(prlimit, "--nproc="+strconv.Itoa(limit), exe, "-n", "200", "--format", "json", "sleep", "0.1")
		cmd.Dir = dir
		cmd.Stdin = zeros(records)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if bytes.Contains(stderr.Bytes(), []byte("SIGABRT")) || bytes.Contains(stderr.Bytes(), []byte("fatal error")) {
			t.Fatalf("ulimit -u %d: pmap aborted: %.2000s", limit, stderr.String())
		}
		if err != nil {
			t.Fatalf("ulimit -u %d: %v\n%s", limit, err, stderr.String())
		}
		if n := bytes.Count(stdout.Bytes(), []byte(`"status":"ok"`)); n != records {
			t.Fatalf("ulimit -u %d: %d of %d jobs ok\n%s", limit, n, records, stderr.String())
		}
		want := "pmap: warning: no more processes can be started (ulimit -u " + strconv.Itoa(limit) + "): jobs now wait for running ones to end before they start\n"
		if stderr.String() != want {
			t.Errorf("ulimit -u %d: stderr %q, want %q", limit, stderr.String(), want)
		}
	}
}
