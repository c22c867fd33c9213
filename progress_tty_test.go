package main

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// asPmapEnv makes this test binary run as pmap, so that tmux can start it
// in a real terminal without a separate build.
const asPmapEnv = "PMAPTEST_AS_PMAP"

func init() {
	if os.Getenv(asPmapEnv) == "1" {
		os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
}

// tmuxRun is one command run in a tmux pane: what was on the screen while
// it ran, and the raw bytes written to the terminal.
type tmuxRun struct {
	screens []string // captured pane contents, oldest first
	raw     string
	dir     string
}

func (r *tmuxRun) last() string { return r.screens[len(r.screens)-1] }

// anyScreen reports whether some captured screen matches re.
func (r *tmuxRun) anyScreen(re *regexp.Regexp) bool {
	for _, s := range r.screens {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// inTmux runs the shell command cmd in a new tmux pane of the given width,
// with $PMAP set to pmap, and waits for it to end.
func inTmux(t *testing.T, tmux, sock, cmd string, width int) *tmuxRun {
	t.Helper()
	dir := t.TempDir()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The script waits for "go" so that pipe-pane is in place before
	// anything is written, then leaves the pane open for capture-pane.
	script := fmt.Sprintf(`cd %q
while [ ! -e go ]; do sleep 0.02; done
export %s=1 PMAP=%q
%s
echo "exit=$?"
touch done
exec sleep 600
`, dir, asPmapEnv, bin, cmd)
	if err := os.WriteFile(filepath.Join(dir, "run.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	name := strings.NewReplacer("/", "-", " ", "-", "=", "-").Replace(t.Name())
	tm := func(args ...string) string {
		t.Helper()
		out, err := osexec.Command(tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tm("new-session", "-d", "-s", name, "-x", fmt.Sprint(width), "-y", "24", "sh "+filepath.Join(dir, "run.sh"))
	tm("pipe-pane", "-t", name, "-o", "cat >> "+filepath.Join(dir, "raw"))
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := &tmuxRun{dir: dir}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := os.Stat(filepath.Join(dir, "done"))
		r.screens = append(r.screens, tm("capture-pane", "-p", "-t", name))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not finish in 30s; screen:\n%s", cmd, r.last())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// pipe-pane copies asynchronously: wait for the script's last line.
	for {
		raw, _ := os.ReadFile(filepath.Join(dir, "raw"))
		r.raw = string(raw)
		if strings.Contains(r.raw, "exit=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal's bytes never showed the end of %s: %q", cmd, r.raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm("kill-session", "-t", name)
	return r
}

// TestProgressInTerminal runs pmap in a real terminal (tmux): with stdout
// redirected the progress line is on the screen and redrawn in place; with
// stderr redirected too, or with stdout on the terminal, there is none.
func TestProgressInTerminal(t *testing.T) {
	tmux, err := osexec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the terminal behaviour of the progress line is not tested (apt-get install tmux)")
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	// An idle session keeps the server up between the runs: a server whose
	// last session ends exits, racing with the next new-session.
	if out, err := osexec.Command(tmux, "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "idle", "sleep 600").CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { osexec.Command(tmux, "-S", sock, "kill-server").Run() })

	t.Run("stdout redirected", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP -n 2 'sleep 0.3; echo {}' ::: 1 2 3 4 5 6 7 8 > out.txt`, 100)
		final := regexp.MustCompile(`(?m)^pmap: \[#{30}\] 8/8 \(100%\)  0 failed  [0-9.]+ jobs/s  [0-9]+s\s*$`)
		if !final.MatchString(r.last()) {
			t.Errorf("no final progress line on the screen:\n%s", r.last())
		}
		running := regexp.MustCompile(`(?m)^pmap: \[[#.]{30}\] [0-7]/8 \([0-9]+%\)  0 failed  `)
		if !r.anyScreen(running) {
			t.Errorf("no progress line while the jobs ran; last screen:\n%s", r.last())
		}
		if n := strings.Count(r.last(), "pmap:"); n != 1 {
			t.Errorf("%d pmap lines on the screen, want one line redrawn in place:\n%s", n, r.last())
		}
		if !strings.Contains(r.raw, "\r") || !strings.Contains(r.raw, "\x1b[K") {
			t.Errorf("the line was not redrawn with \\r and erase-line: %q", r.raw)
		}
		out, _ := os.ReadFile(filepath.Join(r.dir, "out.txt"))
		if string(out) != "1\n2\n3\n4\n5\n6\n7\n8\n" {
			t.Errorf("stdout: %q", out)
		}
	})

	t.Run("stderr redirected", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP -n 2 'sleep 0.2; echo {}' ::: 1 2 3 4 > out.txt 2> err.txt`, 100)
		if errOut, err := os.ReadFile(filepath.Join(r.dir, "err.txt")); err != nil || len(errOut) > 0 {
			t.Errorf("stderr to a file got %q (%v), want nothing", errOut, err)
		}
		if strings.Contains(r.raw, "pmap") || !strings.Contains(r.raw, "exit=0") {
			t.Errorf("the terminal got %q", r.raw)
		}
	})

	t.Run("stdout on the terminal", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP -n 2 'sleep 0.2; echo out{}' ::: 1 2 3 4`, 100)
		if !strings.Contains(r.last(), "out4") || strings.Contains(r.raw, "pmap") {
			t.Errorf("want job output and no progress; the terminal got %q", r.raw)
		}
	})

	t.Run("forced on the terminal", func(t *testing.T) {
		// --progress with stdout on the terminal too: job output clears the
		// line first, so every output line is whole.
		r := inTmux(t, tmux, sock, `$PMAP --progress -n 2 'sleep 0.3; echo out{}' ::: 1 2 3 4 5 6`, 100)
		for i := 1; i <= 6; i++ {
			if !regexp.MustCompile(fmt.Sprintf(`(?m)^out%d\s*$`, i)).MatchString(r.last()) {
				t.Errorf("out%d is not a line of its own:\n%s", i, r.last())
			}
		}
		if !regexp.MustCompile(`(?m)^pmap: .* 6/6 \(100%\)`).MatchString(r.last()) {
			t.Errorf("no final progress line:\n%s", r.last())
		}
	})

	t.Run("no-progress", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP --no-progress -n 2 'sleep 0.2; : {}' ::: 1 2 > out.txt`, 100)
		if strings.Contains(r.raw, "pmap") {
			t.Errorf("--no-progress: the terminal got %q", r.raw)
		}
	})

	t.Run("color and stderr lines", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP -n 2 'sleep 0.3; echo err{} >&2; exit {}' ::: 0 1 0 1 > out.txt`, 100)
		if !strings.Contains(r.raw, "\x1b[31m2 failed\x1b[0m") {
			t.Errorf("no red failure count: %q", r.raw)
		}
		// Job stderr lines are whole lines above the progress line.
		for _, l := range []string{"err0", "err1"} {
			if !regexp.MustCompile(`(?m)^` + l + `\s*$`).MatchString(r.last()) {
				t.Errorf("%s is not a line of its own:\n%s", l, r.last())
			}
		}
		if !strings.Contains(r.last(), "pmap: 2 of 4 jobs failed") {
			t.Errorf("no summary after the progress line:\n%s", r.last())
		}
	})

	t.Run("NO_COLOR", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `NO_COLOR=1 $PMAP -n 2 'sleep 0.3; exit {}' ::: 0 1 > out.txt`, 100)
		if !strings.Contains(r.raw, "1 failed") || strings.Contains(r.raw, "\x1b[31m") {
			t.Errorf("NO_COLOR: %q", r.raw)
		}
	})

	t.Run("TERM=dumb", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `TERM=dumb $PMAP -n 2 'sleep 0.3; : {}' ::: 1 2 > out.txt`, 100)
		if !strings.Contains(r.raw, "2/2") || strings.Contains(r.raw, "\x1b") {
			t.Errorf("TERM=dumb: want no escape sequences: %q", r.raw)
		}
	})

	t.Run("narrow", func(t *testing.T) {
		r := inTmux(t, tmux, sock, `$PMAP -n 2 'sleep 0.3; : {}' ::: 1 2 3 4 > out.txt`, 40)
		// Every line drawn fits: a wrapped line could not be redrawn.
		plain := regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]").ReplaceAllString(r.raw, "")
		for _, seg := range strings.FieldsFunc(plain, func(c rune) bool { return c == '\r' || c == '\n' }) {
			if strings.HasPrefix(seg, "pmap: ") && len(strings.TrimRight(seg, " ")) > 39 {
				t.Errorf("progress line wider than the 40-column terminal: %q", seg)
			}
		}
		if !regexp.MustCompile(`(?m)^pmap: .*4/4`).MatchString(r.last()) {
			t.Errorf("no final line:\n%s", r.last())
		}
	})
}
