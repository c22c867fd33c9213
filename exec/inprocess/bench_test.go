package inprocess

import (
	"context"
	"io"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

func newIP(tb testing.TB, words []string, opt template.Options, multi bool) *InProcess {
	tb.Helper()
	opt.Mode = template.Shell
	v, err := template.CompileVars(words, opt)
	if err != nil {
		tb.Fatalf("CompileVars(%q): %v", words, err)
	}
	ip, err := New(v, multi)
	if err != nil {
		tb.Fatalf("New(%q): %v", words, err)
	}
	return ip
}

// BenchmarkInProcessEcho is the in-process backend's per-job cost on
// `echo {}`, a builtin: no process, no goroutine.
func BenchmarkInProcessEcho(b *testing.B) {
	benchInProcess(b, "echo {}")
}

// BenchmarkInProcessList is a job of a few builtins and expansions.
func BenchmarkInProcessList(b *testing.B) {
	benchInProcess(b, `x={}; test -n "$x" && printf '%s %s\n' "$x" {#} || echo none`)
}

func benchInProcess(b *testing.B, tmpl string) {
	ip := newIP(b, []string{tmpl}, template.Options{}, false)
	defer ip.Close()
	j := &job.Job{Seq: 1, Key: "1", Records: []input.Record{{Raw: "/data/logs/2024/app-server.log"}}}
	task := &job.Task{Job: j, Slot: 1, Stdout: io.Discard, Stderr: io.Discard}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		j.Seq++
		if o := ip.Run(ctx, task); o.Status != job.StatusOK {
			b.Fatalf("outcome %+v", o)
		}
	}
}

// BenchmarkInProcessEchoSlot is BenchmarkInProcessEcho without the hand-off
// to the slot's goroutine: the interpreter's own cost per job.
func BenchmarkInProcessEchoSlot(b *testing.B) {
	ip := newIP(b, []string{"echo {}"}, template.Options{}, false)
	defer ip.Close()
	if err := ip.init(); err != nil {
		b.Fatal(err)
	}
	s, err := ip.acquire(1)
	if err != nil {
		b.Fatal(err)
	}
	j := &job.Job{Seq: 1, Key: "1", Records: []input.Record{{Raw: "/data/logs/2024/app-server.log"}}}
	task := &job.Task{Job: j, Slot: 1, Stdout: io.Discard, Stderr: io.Discard}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		j.Seq++
		if o := ip.runJob(s, ctx, task); o.Status != job.StatusOK {
			b.Fatalf("outcome %+v", o)
		}
	}
}

// BenchmarkInProcessCase matches a glob: the interpreter compiles the
// pattern into a regexp every time it evaluates it.
func BenchmarkInProcessCase(b *testing.B) {
	benchInProcess(b, `case {} in *.log) echo log;; *) echo other;; esac`)
}

// BenchmarkInProcessAssign is a job that assigns a variable: it cannot skip
// the interpreter's reset.
func BenchmarkInProcessAssign(b *testing.B) {
	benchInProcess(b, `x={}; echo "$x"`)
}
