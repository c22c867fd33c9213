package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

func TestJoblogColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	jl, err := OpenJoblog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	start := time.UnixMilli(1795241654610)
	jl.Write(&job.Result{Job: &job.Job{Seq: 1}, Command: job.Command{Script: "echo a\nb"}, Status: job.StatusOK, Attempts: 1, Start: start, Duration: 5 * time.Millisecond})
	jl.Write(&job.Result{Job: &job.Job{Seq: 2}, Command: job.Command{Argv: []string{"sleep", "9"}}, Host: "user@node1", Status: job.StatusTimeout, Exit: -1, Signal: "SIGTERM", Attempts: 1, Start: start, Duration: 1341 * time.Millisecond})
	jl.Write(&job.Result{Job: &job.Job{Seq: 3}, Status: job.StatusSkipped, Start: start}) // never ran: not logged
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := joblogHeader +
		"1\t:\t1795241654.610\t     0.005\t0\t0\t0\t0\techo a\x00b\n" +
		"2\tuser@node1\t1795241654.610\t     1.341\t0\t0\t-1\t15\tsleep 9\n"
	if string(data) != want {
		t.Fatalf("got\n%q\nwant\n%q", data, want)
	}

	// --resume reads it back: both commands ran.
	r, err := ReadResume(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ran1, failed1 := r.Skip(job.Command{Script: "echo a\nb"})
	ran2, failed2 := r.Skip(job.Command{Argv: []string{"sleep", "9"}})
	ran3, _ := r.Skip(job.Command{Argv: []string{"sleep", "9"}})
	if !ran1 || !ran2 || ran3 {
		t.Fatal("resume does not match the logged commands once each")
	}
	// The timed-out one failed: --failed names it again.
	if failed1 || !failed2 {
		t.Fatalf("failed: echo %v, sleep %v; want false, true", failed1, failed2)
	}
	// --resume-failed runs the timed-out one again.
	r, err = ReadResume(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if ran, _ := r.Skip(job.Command{Argv: []string{"sleep", "9"}}); ran {
		t.Fatal("--resume-failed skipped a failed job")
	}
	if !strings.Contains(string(data), "\t:\t") {
		t.Fatal("local host is not ':'")
	}
}

func TestJoblogCommandEncoding(t *testing.T) {
	for _, tc := range []struct{ cmd, col string }{
		{"sleep 9", "sleep 9"},
		{"echo 'a\nb'", "echo 'a\x00b'"}, // GNU parallel's form
		{"printf %s 'a\tb\r'", "printf %s 'a\tb\r'"},
		{"echo 'h\xe9'", "echo 'h\xe9'"}, // not UTF-8, but no NUL: as is
		{"", ""},
		{"echo 'a\x00b'", "\xff\"echo 'a\\x00b'\""},
		{"a\x00\nb", "\xff\"a\\x00\\nb\""},
		{"\xffx", "\xff\"\\xffx\""},
	} {
		col := encodeJoblogCommand(tc.cmd)
		if col != tc.col {
			t.Errorf("encode %q = %q, want %q", tc.cmd, col, tc.col)
		}
		back, err := decodeJoblogCommand(col)
		if err != nil || back != tc.cmd {
			t.Errorf("decode %q = %q, %v; want %q", col, back, err, tc.cmd)
		}
	}
	if _, err := decodeJoblogCommand("\xff\"unclosed"); err == nil {
		t.Error("a bad quoted column decodes")
	}
}

// FuzzJoblogCommand checks that any command reads back from its column
// exactly, on one line, and that a command with neither NUL nor a leading
// 0xFF keeps GNU parallel's form.
func FuzzJoblogCommand(f *testing.F) {
	for _, s := range []string{"echo a", "a\nb", "a\x00b", "\xff", "\n\x00\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		col := encodeJoblogCommand(cmd)
		if strings.Contains(col, "\n") {
			t.Fatalf("column %q holds a newline", col)
		}
		back, err := decodeJoblogCommand(col)
		if err != nil || back != cmd {
			t.Fatalf("%q -> %q -> %q, %v", cmd, col, back, err)
		}
		if !strings.Contains(cmd, "\x00") && !strings.HasPrefix(cmd, "\xff") && col != strings.ReplaceAll(cmd, "\n", "\x00") {
			t.Fatalf("%q lost GNU parallel's form: %q", cmd, col)
		}
	})
}

func TestResumeTellsNewlineFromNUL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	jl, err := OpenJoblog(path, false)
	if err != nil {
		t.Fatal(err)
	}
	nl := job.Command{Script: "printf %s 'a\nb'"}
	nul := job.Command{Script: "printf %s 'a\x00b'"}
	jl.Write(&job.Result{Job: &job.Job{Seq: 1}, Command: nl, Status: job.StatusOK, Attempts: 1})
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := ReadResume(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ran := func(c job.Command) bool { ran, _ := r.Skip(c); return ran }
	if ran(nul) {
		t.Fatal("the command with a NUL was taken for the logged one with a newline")
	}
	if !ran(nl) {
		t.Fatal("the logged command is not skipped")
	}

	jl, err = OpenJoblog(path, true)
	if err != nil {
		t.Fatal(err)
	}
	jl.Write(&job.Result{Job: &job.Job{Seq: 2}, Command: nul, Status: job.StatusOK, Attempts: 1})
	if err := jl.Close(); err != nil {
		t.Fatal(err)
	}
	r, err = ReadResume(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if !ran(nul) || !ran(nl) || ran(nul) || ran(nl) {
		t.Fatal("each logged command must skip exactly one job")
	}
}
