package proc

import (
	"context"
	"errors"
	"io"
	"os"
	osexec "os/exec"
	"strings"
	"syscall"
	"testing"
)

func startSh(t *testing.T, script string, s *Spec) *Child {
	t.Helper()
	sh, err := osexec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	s.Path, s.Argv = sh, []string{"sh", "-c", script}
	c, err := Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Start makes the pipes a Spec leaves nil, and Wait says how the process
// ended.
func TestStartWait(t *testing.T) {
	c := startSh(t, `read x; echo "out $x"; echo err >&2; exit 3`, &Spec{})
	c.Stdin.WriteString("in\n")
	c.Stdin.Close()
	out, _ := io.ReadAll(c.Stdout)
	errs, _ := io.ReadAll(c.Stderr)
	st, err := c.Wait()
	c.Stdout.Close()
	c.Stderr.Close()
	if err != nil || string(out) != "out in\n" || string(errs) != "err\n" {
		t.Fatalf("got %q %q %v", out, errs, err)
	}
	if st.ExitCode() != 3 || st.String() != "exit status 3" {
		t.Fatalf("state %v, exit code %d", st, st.ExitCode())
	}
	if o := OutcomeOf(st, false); o.Exit != 3 || o.Err == nil {
		t.Fatalf("outcome %+v", o)
	}

	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	c = startSh(t, `kill -KILL $$`, &Spec{Stdin: null, Stdout: null, Stderr: null})
	if c.Stdin != nil || c.Stdout != nil || c.Stderr != nil {
		t.Fatal("pipes made for files given")
	}
	st, err = c.Wait()
	if err != nil || !st.Signaled() || st.ExitCode() != -1 || st.String() != "signal: killed" {
		t.Fatalf("state %v %v", st, err)
	}
}

// A process leads a group of its own, or joins the one it is given.
func TestStartGroup(t *testing.T) {
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	leader := startSh(t, `exec sleep 5`, &Spec{Stdin: null, Stdout: null, Stderr: null})
	defer func() {
		SignalGroup(leader.Pid, syscall.SIGKILL)
		leader.Wait()
	}()
	member := startSh(t, `exec sleep 5`, &Spec{Pgid: leader.Pid, Stdin: null, Stdout: null, Stderr: null})
	for _, c := range []*Child{leader, member} {
		if g, err := syscall.Getpgid(c.Pid); err != nil || g != leader.Pid {
			t.Fatalf("process %d is in group %d (%v), want %d", c.Pid, g, err, leader.Pid)
		}
	}
	SignalGroup(leader.Pid, syscall.SIGKILL)
	if st, _ := member.Wait(); !st.Signaled() {
		t.Fatalf("member: %v", st)
	}
}

// A failure to start is the job's, with the shell's exit codes.
func TestStartError(t *testing.T) {
	_, err := Start(context.Background(), &Spec{Path: "/nonexistent/x", Argv: []string{"x"}})
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("err %v", err)
	}
	if o := StartError("x", err); o.Exit != 127 || !strings.Contains(o.Err.Error(), "command not found") {
		t.Fatalf("outcome %+v", o)
	}
	o := StartError("x", &os.PathError{Op: "fork/exec", Path: "x", Err: syscall.EMFILE})
	if !strings.Contains(o.Err.Error(), "x: cannot start: too many open files") {
		t.Fatalf("outcome %+v", o)
	}
}
