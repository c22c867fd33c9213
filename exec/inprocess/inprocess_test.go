package inprocess

import (
	"bytes"
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// values are record values that must reach commands as these exact
// bytes, in-process as through sh.
var values = []string{
	"plain", "a b; touch pwned $(touch pwned)", "$(touch pwned)", "`touch pwned`",
	"${HOME}", "$HOME", "$((6*7))", "it's", `"double"`, `'; touch pwned; '`,
	`\`, `\\`, `trailing\`, `\"`, "*", "?", "[a]", "~", "~/x", "-n", "--", "=",
	"a=b", "a\tb", "a\nb", "\n", "  lead and trail  ", "", "}", "{}", "{{}}",
	"!", "#comment", ";", "&&", "|", ">out", "2>&1", "if", "fi", "{ x; }",
	"é ü 中", "%s %d", "EOF", "a,b", "{a,b}", "\xff\xfe",
}

// templates are shell templates run in-process and by sh -c: the
// output must be the same.
var templates = []string{
	`printf '[%s]\n' {}`,
	`printf '[%s]\n' "{}"`,
	`printf '[%s]\n' '{}'`,
	`printf '[%s]\n' x{}y "a{}b" 'c{}d'`,
	`printf '[%s]\n' "${NOPE:-{}}" "${NOPE-x}{}"`,
	`printf '[%s]\n' "$(printf '%s' {})"`,
	`x={}; printf '[%s]\n' "$x"`,
	`printf '[%s]\n' {} | cat`,
	`printf '[%s]\n' {} {} >&2 2>&1`,
	`case {} in "{}") printf '[%s]\n' match;; esac`,
	`for w in {}; do printf '[%s]\n' "$w"; done`,
	`printf '[%s]\n' {#} {%} "$PMAP_SEQ" "$PMAP_SLOT" "$PMAP_KEY"`,
	`test {} = plain && printf '[%s]\n' yes || printf '[%s]\n' no`,
	`printf '[%s]\n'`,
	`printf '[%s]\n' {} > out; cat out`,
	"cat <<EOF\n[{}]\nEOF",
	`printf '[%s]\n' {.} {/} {//} {/.}`,
	`echo $(( {#} * 2 ))`,
	`exit 3; : {}`,
	`printf '%s' {} | wc -c; false`,
	`x=a{}b; printf '[%s]\n' "${x#a}" "${x%b}" "${x:-y}"`,
	`{ printf '[%s]\n' {}; sh -c 'echo ext'; printf '[%s]\n' {}; } | cat`,
	`cd / && printf '[%s]\n' "$(pwd)" {}`,
	`printf '[%s]\n' {}; sh -c 'echo ext; echo err >&2'; printf 'end\n'`,
	`(exec > f; printf '[%s]\n' {}; echo more); cat f; (exec >> f; echo again); test -s f && cat f`,
}

// runSh runs cmd as the process backend's shell backend would see it.
func runSh(t *testing.T, dir, script string, j *job.Job, slot int) (string, int) {
	t.Helper()
	cmd := osexec.Command("sh", "-c", "--", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PMAP_SEQ="+strconv.FormatInt(j.Seq, 10), "PMAP_SLOT="+strconv.Itoa(slot), "PMAP_KEY="+j.Key)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*osexec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// runIP runs job on ip in dir and returns its stdout, stderr and outcome.
func runIP(t *testing.T, ip *InProcess, dir string, j *job.Job, slot int) (string, string, job.Outcome) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errb bytes.Buffer
	o := ip.Run(context.Background(), &job.Task{Job: j, Slot: slot, Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), o
}

func TestInProcessMatchesSh(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tmpl := range templates {
		shT, err := template.Compile([]string{tmpl}, template.Options{Mode: template.Shell})
		if err != nil {
			t.Fatal(err)
		}
		ip := newIP(t, []string{tmpl}, template.Options{}, false)
		defer ip.Close()
		for i, v := range values {
			j := &job.Job{Seq: int64(i + 1), Key: "k" + strconv.Itoa(i), Records: []input.Record{{Raw: v}}}
			d := &template.Data{Records: j.Records, Seq: j.Seq, Slot: 2}
			script, err := shT.String(d)
			if err != nil {
				// sh would not get the job either (a here-document value
				// with a newline): neither may the interpreter.
				if o := ip.Run(context.Background(), &job.Task{Job: j, Slot: 2, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}); o.Status != job.StatusError {
					t.Errorf("%q with %q: String fails (%v) but in-process gives %+v", tmpl, v, err, o)
				}
				continue
			}
			want, wantCode := runSh(t, dir, script, j, 2)
			got, stderr, o := runIP(t, ip, "", j, 2)
			if got != want || o.Exit != wantCode && !(wantCode == 0 && o.Status == job.StatusOK) {
				t.Errorf("%q with %q:\nsh:         %q exit %d\nin-process: %q %+v (stderr %q)", tmpl, v, want, wantCode, got, o, stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a value ran as code")
	}
}

// TestInProcessMultiMatchesSh: -N/-X jobs, with words repeated per record.
func TestInProcessMultiMatchesSh(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tmpl := range []string{`printf '[%s]\n' {} {1} {2} {-1}`, `printf '[%s]\n' "{}" x{}y | cat`, `printf '[%s]\n' x{}y '{}' {#}`, `printf '[%s]\n' | cat`} {
		opt := template.Options{Mode: template.Shell, ContextReplace: true}
		shT, err := template.Compile([]string{tmpl}, opt)
		if err != nil {
			t.Fatal(err)
		}
		ip := newIP(t, []string{tmpl}, opt, true)
		defer ip.Close()
		for n := 1; n <= 4; n++ {
			var recs []input.Record
			for i := range n {
				recs = append(recs, input.Record{Raw: values[(n*7+i)%len(values)]})
			}
			j := &job.Job{Seq: int64(n), Key: "k", Records: recs}
			script, err := shT.String(&template.Data{Records: recs, Multi: true, Seq: j.Seq, Slot: 1})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := runSh(t, dir, script, j, 1)
			if got, stderr, o := runIP(t, ip, "", j, 1); got != want {
				t.Errorf("%q with %v:\nsh:         %q\nin-process: %q %+v %s", tmpl, recs, want, got, o, stderr)
			}
		}
	}
}

func TestInProcessStatuses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		tmpl   string
		status job.Status
		exit   int
		signal string
		errSub string
	}{
		{"true {}", job.StatusOK, 0, "", ""},
		{"exit 3; : {}", job.StatusFailed, 3, "", "exit status 3"},
		{"false {}", job.StatusFailed, 1, "", "exit status 1"},
		{"pmap-no-such-command {}", job.StatusError, 127, "", "pmap-no-such-command: command not found"},
		{"./no-such-file {}", job.StatusError, 127, "", "command not found"},
		{"./notexec {}", job.StatusError, 126, "", "not executable"},
		{"pmap-no-such-command || true; : {}", job.StatusOK, 0, "", ""},
		{`sh -c 'kill -SEGV $$'; : {}`, job.StatusOK, 0, "", ""},
		{`sh -c 'kill -SEGV $$' {}`, job.StatusSignal, -1, "SIGSEGV", "killed by SIGSEGV"},
		{`sh -c 'exit 139' {}`, job.StatusFailed, 139, "", "exit status 139"},
		{"./noshebang {}", job.StatusOK, 0, "", ""},
	}
	if err := os.WriteFile(filepath.Join(dir, "notexec"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "noshebang"), []byte("exit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		ip := newIP(t, []string{tt.tmpl}, template.Options{}, false)
		_, stderr, o := runIP(t, ip, dir, &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, 1)
		ip.Close()
		if o.Status != tt.status || o.Status != job.StatusOK && o.Exit != tt.exit || o.Signal != tt.signal {
			t.Errorf("%q: got %+v (stderr %q), want %s exit %d signal %q", tt.tmpl, o, stderr, tt.status, tt.exit, tt.signal)
		}
		if tt.errSub != "" && (o.Err == nil || !strings.Contains(o.Err.Error(), tt.errSub)) {
			t.Errorf("%q: error %v does not say %q", tt.tmpl, o.Err, tt.errSub)
		}
	}
}

func TestInProcessEnvironment(t *testing.T) {
	t.Setenv("PMAP_SEQ", "stale")
	t.Setenv("PMAP_TEST_BASE", "base")
	ip := newIP(t, []string{`printf '%s,' "$PMAP_SEQ" "$PMAP_SLOT" "$PMAP_KEY" "$PMAP_TEST_BASE"; ` +
		`LOCAL=l; export EXP=e; unset PMAP_TEST_BASE; env | grep -E '^(PMAP_|EXP=|LOCAL=)' | sort | tr '\n' ,; : {}`}, template.Options{}, false)
	defer ip.Close()
	out, stderr, o := runIP(t, ip, "", &job.Job{Seq: 42, Key: "k42", Records: []input.Record{{Raw: "x"}}}, 3)
	want := "42,3,k42,base,EXP=e,PMAP_KEY=k42,PMAP_SEQ=42,PMAP_SLOT=3,"
	if o.Status != job.StatusOK || out != want {
		t.Fatalf("got %q %+v (stderr %q), want %q", out, o, stderr, want)
	}
	// The next job on the slot starts afresh.
	ip2 := newIP(t, []string{`printf '%s,' "${EXP-unset}" "${LOCAL-unset}" "$PMAP_TEST_BASE" {}`}, template.Options{}, false)
	defer ip2.Close()
	out, _, _ = runIP(t, ip2, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, 3)
	if out != "unset,unset,base,x," {
		t.Fatalf("second job sees %q", out)
	}
}

func TestInProcessStdinAndOrder(t *testing.T) {
	ip := newIP(t, []string{`read first; echo "builtin $first"; cat; echo end; : {}`}, template.Options{}, false)
	defer ip.Close()
	out, _, o := runIP(t, ip, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}, Stdin: []byte("one\ntwo\nthree\n")}, 1)
	if o.Status != job.StatusOK || out != "builtin one\ntwo\nthree\nend\n" {
		t.Fatalf("got %q %+v", out, o)
	}
	// Without --pipe, stdin is empty.
	out, _, _ = runIP(t, ip, "", &job.Job{Seq: 2, Records: []input.Record{{Raw: "x"}}}, 1)
	if out != "builtin \nend\n" {
		t.Fatalf("got %q", out)
	}
}

// TestInProcessAppendsWholeLines: parallel jobs appending to one file
// write whole lines, as sh's one write per echo does.
func TestInProcessAppendsWholeLines(t *testing.T) {
	dir := t.TempDir()
	ip := newIP(t, []string{`echo {} {} {} >> log`}, template.Options{}, false)
	defer ip.Close()
	t.Chdir(dir)
	var wg sync.WaitGroup
	for slot := 1; slot <= 4; slot++ {
		wg.Go(func() {
			for i := range 200 {
				v := strconv.Itoa(slot*1000 + i)
				ip.Run(context.Background(), &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: v}}}, Slot: slot, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
			}
		})
	}
	wg.Wait()
	data, err := os.ReadFile(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) != 3 || f[0] != f[1] || f[1] != f[2] {
			t.Fatalf("torn line %q", l)
		}
	}
}

// TestInProcessOneGroup: the external commands of a job that run at the
// same time share one process group, not pmap's; one started after they
// all ended leads a new group.
func TestInProcessOneGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	pg := `sh -c 'read a b c d e r < /proc/$$/stat; echo $e; sleep 0.3'`
	ip := newIP(t, []string{pg + ` | cat & ` + pg + `; wait; ` + pg + `; : {}`}, template.Options{}, false)
	defer ip.Close()
	out, stderr, o := runIP(t, ip, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, 1)
	groups := strings.Fields(out)
	if o.Status != job.StatusOK || len(groups) != 3 {
		t.Fatalf("got %q %+v (stderr %q)", out, o, stderr)
	}
	own := strconv.Itoa(syscall.Getpgrp())
	if groups[0] != groups[1] || groups[0] == own || groups[2] == own {
		t.Fatalf("groups %q, pmap's %s", groups, own)
	}
}

// TestInProcessStop: a cancelled job's processes (grandchildren too) get
// the termination sequence; the job reports the signal.
func TestInProcessStop(t *testing.T) {
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "pids")
	ip := newIP(t, []string{`sh -c 'sleep 100 & echo $! >> ` + pidfile + `; echo $$ >> ` + pidfile + `; wait'; echo after; : {}`}, template.Options{}, false)
	ip.TermSeq = proc.TermSeq{{Signal: syscall.SIGTERM, Wait: time.Second}, {Signal: syscall.SIGKILL, Wait: 0}}
	defer ip.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan job.Outcome)
	var out bytes.Buffer
	go func() {
		done <- ip.Run(ctx, &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, Slot: 1, Stdout: &out, Stderr: &out})
	}()
	pids := waitLines(t, pidfile, 2)
	cancel()
	o := <-done
	if o.Status != job.StatusSignal || o.Signal != "SIGTERM" || !o.Stopped || strings.Contains(out.String(), "after") {
		t.Fatalf("got %+v, output %q", o, out.String())
	}
	assertGone(t, pids)
}

// TestInProcessLeftovers: what a job leaves running in its group ends with
// the job, and a second Ctrl-C (KillAll) kills at once.
func TestInProcessLeftovers(t *testing.T) {
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "pids")
	ip := newIP(t, []string{`sh -c 'sleep 100 > /dev/null 2>&1 & echo $! >> ` + pidfile + `'; : {}`}, template.Options{}, false)
	defer ip.Close()
	if _, _, o := runIP(t, ip, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, 1); o.Status != job.StatusOK {
		t.Fatalf("got %+v", o)
	}
	assertGone(t, waitLines(t, pidfile, 1))

	pidfile2 := filepath.Join(dir, "pids2")
	ip2 := newIP(t, []string{`sh -c 'trap "" TERM; echo $$ >> ` + pidfile2 + `; while :; do sleep 0.05; done'; : {}`}, template.Options{}, false)
	ip2.TermSeq = proc.TermSeq{{Signal: syscall.SIGTERM, Wait: time.Minute}, {Signal: syscall.SIGKILL, Wait: 0}}
	defer ip2.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan job.Outcome)
	go func() {
		done <- ip2.Run(ctx, &job.Task{Job: &job.Job{Seq: 1, Records: []input.Record{{Raw: "x"}}}, Slot: 1, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	}()
	pids := waitLines(t, pidfile2, 1)
	cancel()
	time.Sleep(100 * time.Millisecond)
	ip2.KillAll(syscall.SIGKILL)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("KillAll did not end the job")
	}
	assertGone(t, pids)
}

func waitLines(t *testing.T, file string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(file)
		if f := strings.Fields(string(data)); len(f) >= n {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %d lines", file, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func assertGone(t *testing.T, pids []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, p := range pids {
		pid, err := strconv.Atoi(p)
		if err != nil {
			t.Fatal(err)
		}
		for {
			// Signal 0 fails once the process is gone (or a zombie reaped).
			if err := syscall.Kill(pid, 0); err != nil {
				break
			}
			if data, _ := os.ReadFile("/proc/" + p + "/stat"); bytes.Contains(data, []byte(") Z ")) {
				break
			}
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("process %d still runs", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// Each job of a slot sees its own PMAP_SEQ, which a program on one
// goroutine formats when it first reads it and a pipeline before it
// starts: in the shell, in a pipeline and in an external command.
func TestInProcessSeqPerJob(t *testing.T) {
	for _, tmpl := range []string{
		`printf '%s,' "$PMAP_SEQ" {#}; sh -c 'printf "%s," "$PMAP_SEQ"'`,
		`printf '%s,' "$PMAP_SEQ" {#} | cat; sh -c 'printf "%s," "$PMAP_SEQ"' | cat`,
		`test {} = skip || printf '%s,' "$PMAP_SEQ"; printf '%s,' {#}; env | grep '^PMAP_SEQ=' | tr '\n' ,`,
	} {
		ip := newIP(t, []string{tmpl}, template.Options{}, false)
		for seq := int64(98); seq <= 103; seq++ {
			s := strconv.FormatInt(seq, 10)
			out, stderr, o := runIP(t, ip, "", &job.Job{Seq: seq, Key: "k", Records: []input.Record{{Raw: "x"}}}, 1)
			want := s + "," + s + "," + s + ","
			if strings.Contains(tmpl, "env") {
				want = s + "," + s + ",PMAP_SEQ=" + s + ","
			}
			if o.Status != job.StatusOK || out != want {
				t.Errorf("%q job %d: got %q %+v (stderr %q), want %q", tmpl, seq, out, o, stderr, want)
			}
		}
		ip.Close()
	}
}
