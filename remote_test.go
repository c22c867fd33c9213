package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run jobs on real OpenSSH servers on loopback addresses (see
// sshd_test.go); .ci/run installs openssh-server so that they run in CI.

// runPmap runs pmap in this process and returns its exit code and output.
func runPmap(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"pmap"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// record is the part of a JSON result record the tests read.
type record struct {
	Seq      int64  `json:"seq"`
	Host     string `json:"host"`
	Status   string `json:"status"`
	Error    string `json:"error"`
	Attempts int    `json:"attempts"`
	Stdout   string `json:"stdout"`
}

func readRecords(t *testing.T, path string) []record {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

func seqArgs(n int) []string {
	args := []string{":::"}
	for i := 1; i <= n; i++ {
		args = append(args, strconv.Itoa(i))
	}
	return args
}

// Twenty jobs over two servers: output complete and in input order, each
// job sees its host in {host} and PMAP_HOST, and the records show both.
func TestRemoteTwoHosts(t *testing.T) {
	s := startSSHD(t, "127.0.0.2", "127.0.0.3")
	results := filepath.Join(t.TempDir(), "results.jsonl")
	args := []string{"--ssh", "2/127.0.0.2", "--ssh", "2/127.0.0.3", "--ssh-cmd", s.cmd, "--results", results,
		`echo {} {host} $PMAP_HOST $PMAP_SEQ $PMAP_KEY`}
	code, stdout, stderr := runPmap(t, append(args, seqArgs(20)...)...)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 20 {
		t.Fatalf("want 20 lines, got %d:\n%s", len(lines), stdout)
	}
	for i, l := range lines {
		f := strings.Fields(l)
		n := strconv.Itoa(i + 1)
		if len(f) != 5 || f[0] != n || f[1] != f[2] || f[3] != n || f[4] != n || (f[1] != "127.0.0.2" && f[1] != "127.0.0.3") {
			t.Errorf("line %d: %q, want %s HOST HOST %s %s", i+1, l, n, n, n)
		}
	}
	hosts := map[string]int{}
	for _, r := range readRecords(t, results) {
		hosts[r.Host]++
		if r.Status != "ok" || r.Attempts != 1 {
			t.Errorf("job %d: status %s, attempts %d", r.Seq, r.Status, r.Attempts)
		}
		if !strings.HasPrefix(r.Stdout, strconv.FormatInt(r.Seq, 10)+" "+r.Host+" ") {
			t.Errorf("job %d: record host %s, but it printed %q", r.Seq, r.Host, r.Stdout)
		}
	}
	if hosts["127.0.0.2"] == 0 || hosts["127.0.0.3"] == 0 || len(hosts) != 2 {
		t.Errorf("records name hosts %v, want both servers", hosts)
	}
}

// Values reach the remote program as the exact bytes, through exec and
// shell templates alike, and this machine (":") runs beside a server.
func TestRemoteQuoting(t *testing.T) {
	s := startSSHD(t, "127.0.0.2")
	values := []string{`a b; $(touch /tmp/pmap-pwned) 'q"`, "*", "-n", "tab\there", "x\\y", ""}
	for _, tmpl := range []string{`printf '%s|\n' {}`, `printf '%s|\n' {} | cat`} {
		for _, login := range []string{"127.0.0.2", ":"} {
			args := append([]string{"-n", "2", "--ssh", login, "--ssh-cmd", s.cmd, tmpl, ":::"}, values...)
			code, stdout, stderr := runPmap(t, args...)
			want := strings.Join(values, "|\n") + "|\n"
			if code != 0 || stdout != want {
				t.Errorf("%s on %s: exit %d, stdout %q, want %q; stderr:\n%s", tmpl, login, code, stdout, want, stderr)
			}
		}
	}
	if _, err := os.Stat("/tmp/pmap-pwned"); err == nil {
		os.Remove("/tmp/pmap-pwned")
		t.Error("a value ran as code")
	}
}

// One server dies mid-run (the daemon, its connections and their jobs):
// every job still finishes, on the other server; a job that was running
// on the dead one runs again and its record shows the second attempt.
func TestRemoteHostDies(t *testing.T) {
	s := startSSHD(t, "127.0.0.2", "127.0.0.3")
	dir := t.TempDir()
	results := filepath.Join(dir, "results.jsonl")
	started := filepath.Join(dir, "started.127.0.0.3")
	args := []string{"--ssh", "2/127.0.0.2", "--ssh", "2/127.0.0.3", "--ssh-cmd", s.cmd, "--results", results,
		fmt.Sprintf("echo {} >> %s/started.{host}; sleep 0.2; echo {}", dir)}
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runPmap(t, append(args, seqArgs(40)...)...)
		done <- result{code, stdout, stderr}
	}()
	// Kill the second server once it has jobs running.
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(started)
		if strings.Count(string(data), "\n") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no job started on 127.0.0.3")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.stop("127.0.0.3")
	var res result
	select {
	case res = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("pmap did not finish after a server died")
	}
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	var want strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if res.stdout != want.String() {
		t.Errorf("stdout:\n%s\nwant 1..40 in order", res.stdout)
	}
	if !strings.Contains(res.stderr, "127.0.0.3 is down") {
		t.Errorf("stderr does not say the host went down:\n%s", res.stderr)
	}
	data, err := os.ReadFile(started)
	if err != nil {
		t.Fatal(err)
	}
	startedThere := map[int64]bool{}
	for _, f := range strings.Fields(string(data)) {
		n, _ := strconv.ParseInt(f, 10, 64)
		startedThere[n] = true
	}
	recs := readRecords(t, results)
	if len(recs) != 40 {
		t.Fatalf("%d records, want 40", len(recs))
	}
	moved := 0
	for _, r := range recs {
		if r.Status != "ok" {
			t.Errorf("job %d: %s (%s)", r.Seq, r.Status, r.Error)
		}
		switch {
		case r.Host == "127.0.0.3" && r.Attempts != 1:
			t.Errorf("job %d ran on the server that died, with %d attempts", r.Seq, r.Attempts)
		case r.Host == "127.0.0.2" && startedThere[r.Seq]:
			moved++
			if r.Attempts != 2 {
				t.Errorf("job %d moved from the dead server, but its record shows %d attempts", r.Seq, r.Attempts)
			}
		case r.Host != "127.0.0.2" && r.Host != "127.0.0.3":
			t.Errorf("job %d: host %q", r.Seq, r.Host)
		}
	}
	if moved == 0 {
		t.Error("no job moved from the server that died")
	}
}

// A remote job stopped by pmap (--timeout, --halt now, a signal to pmap)
// leaves no process behind on the remote side: neither the job nor what
// it started, even when it ignores SIGTERM.
func TestRemoteStopLeavesNoProcess(t *testing.T) {
	s := startSSHD(t, "127.0.0.2")
	cases := []struct {
		name   string
		args   []string
		script string
		signal bool
	}{
		{"timeout", []string{"--timeout", "1s"}, "sleep 60 & echo $! >> %[1]s; sleep 60", false},
		{"timeout-kill", []string{"--timeout", "1s", "--termseq", "TERM,300ms,KILL"}, `trap "" TERM; sleep 60 & echo $! >> %[1]s; sleep 60`, false},
		{"halt", []string{"--halt", "now,fail=1"}, `if [ {} = 3 ]; then sleep 1; exit 1; fi; sleep 60 & echo $! >> %[1]s; sleep 60`, false},
		{"signal", nil, "sleep 60 & echo $! >> %[1]s; sleep 60", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pids := filepath.Join(t.TempDir(), "pids")
			script := fmt.Sprintf("echo $$ >> %[1]s; "+c.script, pids)
			args := append([]string{"-n", "3", "--ssh", "127.0.0.2", "--ssh-cmd", s.cmd}, c.args...)
			args = append(args, script, ":::", "1", "2", "3")
			if c.signal {
				go func() {
					waitLines(t, pids, 6)
					syscall.Kill(os.Getpid(), syscall.SIGINT)
				}()
			}
			code, _, stderr := runPmap(t, args...)
			want := 1
			if c.signal {
				want = exitInterrupted
			}
			if code != want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, want, stderr)
			}
			data, err := os.ReadFile(pids)
			if err != nil {
				t.Fatal(err)
			}
			list := strings.Fields(string(data))
			if len(list) < 4 {
				t.Fatalf("jobs wrote pids %v, want at least 4", list)
			}
			deadline := time.Now().Add(5 * time.Second)
			for _, p := range list {
				pid, _ := strconv.Atoi(p)
				for processAlive(pid) {
					if time.Now().After(deadline) {
						syscall.Kill(pid, syscall.SIGKILL)
						t.Fatalf("remote process %d outlived its job", pid)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
}

// waitLines waits until path holds n lines.
func waitLines(t *testing.T, path string, n int) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(path)
		if strings.Count(string(data), "\n") >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%s: no %d lines after 20s", path, n)
}

// With every host unreachable the run stops with one clear error, and
// every job is reported as not run. This needs only the ssh client.
func TestRemoteAllHostsDown(t *testing.T) {
	if _, err := osexec.LookPath("ssh"); err != nil {
		t.Skip("ssh not installed")
	}
	results := filepath.Join(t.TempDir(), "results.jsonl")
	// Port 1 on loopback: nothing listens, the connection is refused.
	args := []string{"--ssh", "127.0.0.1:1,2/127.0.0.1:1", "--ssh-cmd", "ssh -F none -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
		"--results", results, "echo", "{}"}
	code, stdout, stderr := runPmap(t, append(args, seqArgs(5)...)...)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if !strings.Contains(stderr, "pmap: error: every --ssh host is down") || !strings.Contains(stderr, "refused") {
		t.Errorf("stderr does not say every host is down, and why:\n%s", stderr)
	}
	recs := readRecords(t, results)
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5", len(recs))
	}
	for _, r := range recs {
		if r.Status != "skipped" || !strings.Contains(r.Error, "not run") {
			t.Errorf("job %d: %s (%s), want skipped, not run", r.Seq, r.Status, r.Error)
		}
	}
}

// --launcher works with --ssh: the launcher runs on the remote host, in
// front of the job, expanded per job.
func TestRemoteLauncher(t *testing.T) {
	s := startSSHD(t, "127.0.0.2")
	dir := t.TempDir()
	launcher := filepath.Join(dir, "launch")
	log := filepath.Join(dir, "launch.log")
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\nwhile [ \"$1\" != -- ]; do shift; done\nshift\nexec \"$@\"\n", log)
	if err := os.WriteFile(launcher, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPmap(t, "-n", "1", "--ssh", "127.0.0.2", "--ssh-cmd", s.cmd,
		"--launcher", launcher+" --on={host} --job={#} --", "echo {} | tr a-z A-Z", ":::", "a", "b")
	if code != 0 || stdout != "A\nB\n" {
		t.Fatalf("exit %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(log)
	want := "--on=127.0.0.2 --job=1 -- sh -c echo a | tr a-z A-Z\n--on=127.0.0.2 --job=2 -- sh -c echo b | tr a-z A-Z\n"
	if string(data) != want {
		t.Errorf("launcher saw:\n%s\nwant:\n%s", data, want)
	}
}

// --pipe over ssh: each job reads exactly its block on the remote side.
func TestRemotePipe(t *testing.T) {
	s := startSSHD(t, "127.0.0.2")
	var in strings.Builder
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&in, "line %d\n", i)
	}
	var out, errb bytes.Buffer
	code := run([]string{"pmap", "--pipe", "--block", "300", "--ssh", "2/127.0.0.2", "--ssh-cmd", s.cmd, "wc", "-c"},
		strings.NewReader(in.String()), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	total, jobs := 0, 0
	for _, f := range strings.Fields(out.String()) {
		n, err := strconv.Atoi(f)
		if err != nil || n > 300 {
			t.Fatalf("job output %q: want a block size up to 300", f)
		}
		total += n
		jobs++
	}
	if total != in.Len() || jobs < 2 {
		t.Errorf("%d jobs read %d bytes, want %d bytes in several blocks", jobs, total, in.Len())
	}
}
