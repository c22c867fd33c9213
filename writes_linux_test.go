package main

import (
	"bytes"
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tinyTmpfs mounts a 1 MiB tmpfs for the test, or skips it: mounting
// needs root.
func tinyTmpfs(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// runBinary runs this test binary as pmap in dir with env added, and
// returns its exit code and output.
func runBinary(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr []byte) {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), asPmapEnv+"=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *osexec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.Bytes(), errb.Bytes()
}

// slowFirst is 50 jobs of 1 MB of output each, the first one slow (up to
// 10s), so that the output waiting behind it passes the 32 MiB memory
// budget and spills.
var slowFirst = []string{"-n", "2", "--results", "r.jsonl",
	`if [ {} = 1 ]; then i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; fi; head -c 1000000 /dev/zero | tr "\0" x`}

// A full $TMPDIR: the job whose output could not be spilled fails with a
// record saying why, the run stops, exit 2 with one message, and every job
// that succeeded has its whole output on stdout.
func TestSpillToFullTmpfs(t *testing.T) {
	tiny := tinyTmpfs(t)
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, []string{"TMPDIR=" + tiny}, append(slowFirst, seqArgs(50)...)...)
	want := "pmap: error: writing the output spill file in " + tiny + ": no space left on device\n"
	if code != exitUsage || string(stderr) != want {
		t.Fatalf("exit %d, stderr %q; want exit 2, %q", code, stderr, want)
	}
	ok, lost := 0, 0
	for _, r := range readRecords(t, filepath.Join(dir, "r.jsonl")) {
		switch {
		case r.Status == "ok":
			ok++
			if len(r.Stdout) != 1000000 {
				t.Errorf("job %d: ok with %d bytes of output, want 1000000", r.Seq, len(r.Stdout))
			}
		case r.Status == "error" && r.Error == "its output was lost: "+strings.TrimPrefix(want[:len(want)-1], "pmap: error: "):
			lost++
		}
	}
	if ok == 0 || lost == 0 {
		t.Fatalf("%d ok and %d lost records; want some of each", ok, lost)
	}
	if len(stdout) != ok*1000000 {
		t.Fatalf("%d bytes on stdout for %d ok jobs of 1000000", len(stdout), ok)
	}
}

// A joblog on a disk that fills up during the run: exit 2 naming it, the
// run stopped, and every job logged has its output on stdout.
func TestJoblogOnFullTmpfs(t *testing.T) {
	tiny := tinyTmpfs(t)
	// Fill the disk, then free one page: room for the header and a few
	// dozen lines.
	filler, err := os.Create(filepath.Join(tiny, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	page := make([]byte, 4096)
	var size int64
	for {
		n, err := filler.Write(page)
		size += int64(n)
		if err != nil {
			break
		}
	}
	if err := filler.Truncate(size - 4096); err != nil {
		t.Fatal(err)
	}
	filler.Close()
	log := filepath.Join(tiny, "log.tsv")
	code, stdout, stderr := runBinary(t, t.TempDir(), nil, append([]string{"-n", "1", "--joblog", log, "echo"}, seqArgs(1000)...)...)
	want := "pmap: error: writing --joblog " + log + ": no space left on device\n"
	if code != exitUsage || string(stderr) != want {
		t.Fatalf("exit %d, stderr %q; want exit 2, %q", code, stderr, want)
	}
	written := map[string]bool{}
	for _, line := range strings.Split(string(stdout), "\n") {
		written[line] = true
	}
	if len(written) > 900 {
		t.Fatalf("%d jobs ran: the run did not stop", len(written))
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for _, line := range lines[1:] {
		if !strings.HasSuffix(line, "\n") {
			continue // cut short by the full disk: not a logged job
		}
		seq, _, _ := strings.Cut(line, "\t")
		if !written[seq] {
			t.Errorf("job %s is in the joblog, its output is not on stdout", seq)
		}
	}
}
