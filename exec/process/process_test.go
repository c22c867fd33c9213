package process

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

func runArgv(t *testing.T, ctx context.Context, argv ...string) (job.Outcome, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	p := &Process{}
	o := p.Run(ctx, &job.Task{Job: &job.Job{Seq: 7, Key: "k7"}, Slot: 3, Command: job.Command{Argv: argv}, Stdout: &out, Stderr: &errb})
	return o, out.String(), errb.String()
}

func TestProcessStatuses(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		argv   []string
		status job.Status
		exit   int
		signal string
		errSub string
	}{
		{"ok", []string{"true"}, job.StatusOK, 0, "", ""},
		{"exit code", []string{"sh", "-c", "exit 3"}, job.StatusFailed, 3, "", "exit status 3"},
		{"segfault", []string{"sh", "-c", "kill -SEGV $$"}, job.StatusSignal, -1, "SIGSEGV", "killed by SIGSEGV"},
		{"sigkill", []string{"sh", "-c", "kill -KILL $$"}, job.StatusSignal, -1, "SIGKILL", "killed by SIGKILL"},
		{"not found", []string{"pmap-no-such-command"}, job.StatusError, 127, "", "command not found"},
		{"not found path", []string{"/nonexistent/cmd"}, job.StatusError, 127, "", "command not found"},
		{"not executable", []string{noexec}, job.StatusError, 126, "", "not executable"},
		{"NUL in argv", []string{"echo", "a\x00b"}, job.StatusError, -1, "", "invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _, _ := runArgv(t, context.Background(), tt.argv...)
			if o.Status != tt.status || (o.Status != job.StatusOK && o.Exit != tt.exit) || o.Signal != tt.signal {
				t.Fatalf("got %+v, want status %s exit %d signal %q", o, tt.status, tt.exit, tt.signal)
			}
			if tt.errSub != "" && (o.Err == nil || !strings.Contains(o.Err.Error(), tt.errSub)) {
				t.Fatalf("error %v does not say %q", o.Err, tt.errSub)
			}
		})
	}
}

func TestProcessEnvironmentAndStdin(t *testing.T) {
	t.Setenv("PMAP_SEQ", "stale")
	o, out, errOut := runArgv(t, context.Background(), "sh", "-c", `echo "$PMAP_SEQ $PMAP_SLOT $PMAP_KEY"; cat; echo err >&2`)
	if o.Status != job.StatusOK {
		t.Fatal(o)
	}
	if out != "7 3 k7\n" {
		t.Errorf("stdout %q: want env values and nothing from stdin", out)
	}
	if errOut != "err\n" {
		t.Errorf("stderr %q", errOut)
	}
}

func TestProcessOwnGroup(t *testing.T) {
	_, out, _ := runArgv(t, context.Background(), "sh", "-c", `cut -d' ' -f5 /proc/$$/stat; echo $$`)
	f := strings.Fields(out)
	if len(f) != 2 || f[0] != f[1] {
		t.Fatalf("job is not the leader of its own process group: %q", out)
	}
	if f[0] == strconv.Itoa(syscall.Getpgrp()) {
		t.Fatal("job shares pmap's process group")
	}
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("process %d outlived its job", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readPid(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, err := os.ReadFile(file)
		if err == nil && strings.HasSuffix(string(data), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatal("job did not write its grandchild's pid")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelStopsWholeGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan job.Outcome)
	go func() {
		o, _, _ := runArgv(t, ctx, "sh", "-c", `sleep 100 & echo $! > `+pidFile+`; wait`)
		done <- o
	}()
	grandchild := readPid(t, pidFile)
	cancel()
	select {
	case o := <-done:
		if !o.Stopped || o.Status != job.StatusSignal || o.Signal != "SIGTERM" {
			t.Errorf("outcome %+v: want stopped by SIGTERM", o)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelled job did not end")
	}
	waitGone(t, grandchild)
}

func TestTermSeqEscalatesToKill(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Process{TermSeq: proc.TermSeq{{Signal: syscall.SIGTERM, Wait: 100 * time.Millisecond}, {Signal: syscall.SIGKILL, Wait: 0}}}
	var out bytes.Buffer
	done := make(chan job.Outcome)
	go func() {
		done <- p.Run(ctx, &job.Task{Job: &job.Job{Seq: 1}, Slot: 1, Command: job.Command{Argv: []string{"sh", "-c", `trap "" TERM; echo ready; while :; do sleep 0.05; done`}}, Stdout: &out, Stderr: &out})
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case o := <-done:
		if o.Signal != "SIGKILL" {
			t.Errorf("job ignoring TERM ended with %+v, want SIGKILL", o)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v to kill", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("job ignoring TERM was never killed")
	}
}

func TestDaemonisedGrandchildDoesNotHoldRun(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	// The job exits at once, but its grandchild keeps stdout open.
	o, out, _ := runArgv(t, context.Background(), "sh", "-c", `sleep 100 & echo $! > `+pidFile+`; echo done`)
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("run waited %v for a grandchild", d)
	}
	if o.Status != job.StatusOK || out != "done\n" {
		t.Fatalf("outcome %+v output %q", o, out)
	}
	waitGone(t, readPid(t, pidFile))
}

func TestBackgroundLeftoverIsCleanedUp(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	o, _, _ := runArgv(t, context.Background(), "sh", "-c", `sleep 100 >/dev/null 2>&1 & echo $! > `+pidFile)
	if o.Status != job.StatusOK {
		t.Fatal(o)
	}
	waitGone(t, readPid(t, pidFile))
}

func TestShellCommand(t *testing.T) {
	var out bytes.Buffer
	p := &Process{}
	o := p.Run(context.Background(), &job.Task{Job: &job.Job{Seq: 1}, Slot: 1, Command: job.Command{Script: "echo a | tr a b"}, Stdout: &out, Stderr: &out})
	if o.Status != job.StatusOK || out.String() != "b\n" {
		t.Fatalf("%+v %q", o, out.String())
	}
}

// TestPipeProcess feeds blocks to real processes, including one that does
// not read its stdin and one that reads only part of a large block: neither
// may hang.
func TestPipeProcess(t *testing.T) {
	p := &Process{}
	big := strings.Repeat("0123456789abcdef\n", 1<<16) // 1 MiB+, more than a pipe holds
	for _, tc := range []struct {
		argv  []string
		stdin string
		want  string
	}{
		{[]string{"wc", "-l"}, "a\nb\nc\n", "3"},
		{[]string{"true"}, big, ""},
		{[]string{"head", "-c", "3"}, big, "012"},
		{[]string{"wc", "-c"}, big, "1114112"},
	} {
		var out strings.Builder
		o := p.Run(context.Background(), &job.Task{
			Job:     &job.Job{Seq: 1, Stdin: []byte(tc.stdin)},
			Slot:    1,
			Command: job.Command{Argv: tc.argv},
			Stdout:  &out,
			Stderr:  io.Discard,
		})
		if o.Status != job.StatusOK {
			t.Errorf("%v: %s %v", tc.argv, o.Status, o.Err)
		}
		if got := strings.TrimSpace(out.String()); got != tc.want {
			t.Errorf("%v: output %q, want %q", tc.argv, got, tc.want)
		}
	}
}
