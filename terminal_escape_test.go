package main

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestControlBytesOnTerminal runs pmap in a real terminal (tmux) on a
// record holding an escape sequence: the tag, the -v line and the summary
// show it escaped, so input cannot act on the terminal; written to files,
// the same text keeps its bytes.
func TestControlBytesOnTerminal(t *testing.T) {
	tmux, err := osexec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the escaping of input on a terminal is not tested (apt-get install tmux)")
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	if out, err := osexec.Command(tmux, "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "idle", "sleep 600").CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { osexec.Command(tmux, "-S", sock, "kill-server").Run() })

	// The record is x, ESC [31m (red), y, BEL, and a lone 0xff byte; the
	// job prints "out" and fails.
	const job = `printf 'x\033[31my\007\377\n' | $PMAP --no-progress -v --tag ': {}; echo out; exit 1'`
	const escaped = `x\e[31my\x07\xff`

	t.Run("terminal", func(t *testing.T) {
		r := inTmux(t, tmux, sock, job, 200)
		if strings.Contains(r.raw, "\x1b[31m") || strings.Contains(r.raw, "\x07") || strings.Contains(r.raw, "\xff") {
			t.Errorf("the record's control bytes reached the terminal: %q", r.raw)
		}
		tag := escaped + "\tout"
		verbose := `: '` + escaped + `'; echo out; exit 1`
		summary := "first: job 1 (" + verbose + ")"
		for _, want := range []string{tag, verbose, summary} {
			if !strings.Contains(r.raw, want) {
				t.Errorf("the terminal did not get %q: %q", want, r.raw)
			}
		}
	})

	t.Run("files", func(t *testing.T) {
		r := inTmux(t, tmux, sock, job+` > out.txt 2> err.txt`, 200)
		out, _ := os.ReadFile(filepath.Join(r.dir, "out.txt"))
		errb, _ := os.ReadFile(filepath.Join(r.dir, "err.txt"))
		record := "x\x1b[31my\x07\xff"
		if string(out) != record+"\tout\n" {
			t.Errorf("stdout to a file: %q, want the tag's bytes as read", out)
		}
		if !strings.Contains(string(errb), ": '"+record+"'; echo out; exit 1\n") {
			t.Errorf("stderr to a file: %q, want -v's bytes as read", errb)
		}
	})
}
