package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	osexec "os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

func TestParseLogin(t *testing.T) {
	cases := []struct {
		in                      string
		login, name, dest, port string
		slots                   int
		local                   bool
	}{
		{in: "host", login: "host", name: "host", dest: "host"},
		{in: "8/host", login: "host", name: "host", dest: "host", slots: 8},
		{in: "me@host:2222", login: "me@host:2222", name: "host", dest: "me@host", port: "2222"},
		{in: "4/me@10.0.0.1", login: "me@10.0.0.1", name: "10.0.0.1", dest: "me@10.0.0.1", slots: 4},
		{in: "[::1]:22", login: "[::1]:22", name: "::1", dest: "::1", port: "22"},
		{in: "::1", login: "::1", name: "::1", dest: "::1"},
		{in: ":", login: ":", name: ":", local: true},
		{in: "2/:", login: ":", name: ":", local: true, slots: 2},
		{in: " host ", login: "host", name: "host", dest: "host"},
	}
	for _, c := range cases {
		h, err := ParseLogin(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if h.Login != c.login || h.Name != c.name || h.Dest != c.dest || h.Port != c.port || h.Slots != c.slots || h.Local != c.local {
			t.Errorf("%q: got %+v", c.in, *h)
		}
	}
	for _, bad := range []string{"", "0/host", "host:0", "host:x", "h:99999", "@host", "-oProxyCommand=x", "a b", "[::1", "[::1]x"} {
		if h, err := ParseLogin(bad); err == nil {
			t.Errorf("%q: accepted as %+v", bad, *h)
		}
	}
	hs, err := ParseLogins("2/a,b:22,:")
	if err != nil || len(hs) != 3 || hs[0].Slots != 2 || hs[1].Port != "22" || !hs[2].Local {
		t.Errorf("ParseLogins: %v %v", hs, err)
	}
}

func TestSpreadSlots(t *testing.T) {
	a, b, c := &Host{Login: "a", Slots: 3}, &Host{Login: "b", Slots: 1}, &Host{Login: "c", Slots: 2}
	var got []string
	for _, h := range spreadSlots([]*Host{a, b, c}) {
		got = append(got, h.Login)
	}
	if s := strings.Join(got, ""); s != "abcaca" {
		t.Errorf("slots go to %s, want abcaca", s)
	}
}

// The marker line is taken out of stderr wherever the writes split it,
// and everything else passes through unchanged.
func TestMarkerWriter(t *testing.T) {
	const tok = "pmap-exit-0123456789"
	stream := "some error\npartial pmap-exit-01 not it\n" + "last words" + tok + " 42\n" + "after\n"
	want := "some error\npartial pmap-exit-01 not it\nlast wordsafter\n"
	for size := 1; size <= len(stream); size++ {
		var out bytes.Buffer
		m := newMarkerWriter(&out, tok)
		for i := 0; i < len(stream); i += size {
			m.Write([]byte(stream[i:min(i+size, len(stream))]))
		}
		m.Close()
		code, ok := m.status()
		if out.String() != want || !ok || code != 42 {
			t.Fatalf("writes of %d: got %q, code %d %v", size, out.String(), code, ok)
		}
	}
	var out bytes.Buffer
	m := newMarkerWriter(&out, tok)
	m.Write([]byte("ssh: connect to host x port 22: Connection refused\r\npmap-ex"))
	m.Close()
	if _, ok := m.status(); ok || out.String() != "ssh: connect to host x port 22: Connection refused\r\npmap-ex" {
		t.Errorf("no marker: got %q", out.String())
	}
	if got := m.lastLine(); got != "pmap-ex" {
		t.Errorf("lastLine %q", got)
	}
}

func TestTermSeqArgs(t *testing.T) {
	seq, err := proc.ParseTermSeq("INT,1.5s,TERM,200,KILL")
	if err != nil {
		t.Fatal(err)
	}
	ignore, args := termSeqArgs(seq)
	if ignore != "HUP INT TERM" || strings.Join(args, " ") != "INT 1.5 TERM 0.2 KILL 0" {
		t.Errorf("ignore %q, args %q", ignore, args)
	}
}

// The remote command line runs under any POSIX login shell: run it here
// with sh -c, as sshd would, and check what the job gets and reports.
func TestWrapper(t *testing.T) {
	seq, _ := proc.ParseTermSeq("TERM,200,KILL")
	r := &Remote{Shell: "sh", token: "TOK"}
	r.ignore, r.seqArgs = termSeqArgs(seq)
	h := &Host{Name: "h1"}
	run := func(t *testing.T, task *job.Task, cmd job.Command, stdin string, hold time.Duration) (stdout, stderr string) {
		t.Helper()
		c := osexec.Command("sh", "-c", r.wrapCommand(h, task, cmd))
		// sshd runs the command in a session of its own, and the wrapper
		// signals its process group: it must not be the test's.
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		in, err := c.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(in, stdin)
		time.AfterFunc(hold, func() { in.Close() })
		c.Wait()
		return out.String(), errb.String()
	}
	j := &job.Job{Seq: 7, Key: "k'1"}
	task := &job.Task{Job: j, Slot: 3}

	out, errs := run(t, task, job.Command{Argv: []string{"sh", "-c", `printf '%s|' "$1" "$PMAP_SEQ" "$PMAP_SLOT" "$PMAP_KEY" "$PMAP_HOST"; exit 3`, "x", "a b'c $(x)"}}, "", 10*time.Second)
	if out != "a b'c $(x)|7|3|k'1|h1|" || errs != "TOK 3\n" {
		t.Errorf("argv: stdout %q, stderr %q", out, errs)
	}
	out, errs = run(t, task, job.Command{Script: `read x; echo "[$x]" >&2`}, "not for the job\n", 10*time.Second)
	if out != "" || errs != "[]\nTOK 0\n" {
		t.Errorf("script: stdout %q, stderr %q", out, errs)
	}
	// --pipe: the job reads exactly its block, then EOF.
	j.Stdin = []byte("l1\nl2")
	out, errs = run(t, task, job.Command{Script: "wc -c | tr -d ' '"}, "l1\nl2", 10*time.Second)
	j.Stdin = nil
	if out != "5\n" || errs != "TOK 0\n" {
		t.Errorf("pipe: stdout %q, stderr %q", out, errs)
	}
	// The end of stdin stops the job, even one that ignores SIGTERM.
	start := time.Now()
	out, errs = run(t, task, job.Command{Script: `trap "" TERM; sleep 30; echo not stopped`}, "", 100*time.Millisecond)
	if strings.Contains(out, "not stopped") || time.Since(start) > 10*time.Second || strings.Contains(errs, "TOK") {
		t.Errorf("stop: stdout %q, stderr %q after %v", out, errs, time.Since(start))
	}
}

// pick keeps a slot on its own host, moves jobs off a host that is down
// or full, waits while every host up is full, and fails when none is up.
func TestPick(t *testing.T) {
	a, b := &Host{Login: "a", Slots: 1}, &Host{Login: "b", Slots: 1}
	r := &Remote{Hosts: []*Host{a, b}, changed: make(chan struct{})}
	r.slotHost = spreadSlots(r.Hosts)
	ctx := context.Background()
	if h, _ := r.pick(ctx, 2); h != b {
		t.Fatalf("slot 2 went to %v, want b", h.Login)
	}
	r.markDown(b, errors.New("refused"))
	if h, _ := r.pick(ctx, 2); h != a {
		t.Fatalf("slot 2 with b down went to %v, want a", h.Login)
	}
	// a is full and b is down: the next job waits for a's slot.
	got := make(chan *Host)
	go func() {
		h, _ := r.pick(ctx, 1)
		got <- h
	}()
	select {
	case h := <-got:
		t.Fatalf("picked %s while every host up is full", h.Login)
	case <-time.After(50 * time.Millisecond):
	}
	r.release(a, true)
	if h := <-got; h != a {
		t.Fatalf("after a freed its slot, got %s", h.Login)
	}
	// A stopped run does not wait.
	stopCtx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.pick(stopCtx, 1); err == nil {
		t.Fatal("pick waited on through a stop")
	}
	// Both down: the run cannot go on.
	r.markDown(a, errors.New("reset"))
	_, err := r.pick(ctx, 1)
	if !errors.Is(err, errAllDown) || !strings.Contains(err.Error(), "a: reset") || !strings.Contains(err.Error(), "b: refused") {
		t.Fatalf("all down: %v", err)
	}
	// The back-off doubles while a host keeps failing.
	b.downUntil = time.Time{}
	r.markDown(b, errors.New("refused again"))
	if b.backoff != 2*hostBackoff {
		t.Errorf("back-off after a second failure: %v", b.backoff)
	}
}
