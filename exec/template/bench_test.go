package template

import (
	"strconv"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

var benchData = &Data{Records: []input.Record{{Raw: "/data/logs/2024/app-server.log"}}, Seq: 123456, Slot: 3}

// BenchmarkArgv is the exec backend's per-job cost.
func BenchmarkArgv(b *testing.B) {
	tp := mustCompile(b, []string{"gzip", "-9", "-c", "{}", "-o", "out/{/.}.gz"}, Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Argv(benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkString is the shell backend's per-job cost.
func BenchmarkString(b *testing.B) {
	tp := mustCompile(b, []string{"gzip -9 < {} > out/{/.}.gz && echo {#} done"}, Options{Mode: Shell})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.String(benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendString is the --dry-run path: one reused buffer.
func BenchmarkAppendString(b *testing.B) {
	tp := mustCompile(b, []string{"gzip", "-9", "-c", "{}", "-o", "out/{/.}.gz"}, Options{})
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = tp.AppendString(buf[:0], benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendStringX is --dry-run of a -X job with 100 records.
func BenchmarkAppendStringX(b *testing.B) {
	tp := mustCompile(b, []string{"rm", "-f", "--", "{}.tmp"}, Options{ContextReplace: true})
	d := &Data{Multi: true}
	for range 100 {
		d.Records = append(d.Records, benchData.Records[0])
	}
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = tp.AppendString(buf[:0], d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	words := []string{"convert", "{}", "-resize", "50%", "thumbs/{/.}.png"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(words, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileShell(b *testing.B) {
	words := []string{`convert {} -resize 50% "thumbs/{/.}.png" && echo "$(date) {#}" >> log`}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(words, Options{Mode: Shell}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArgvAppendX is -X with the records appended (no replacement
// string): a job of 10,000 short records, as -X packs under ARG_MAX.
func BenchmarkArgvAppendX(b *testing.B) {
	tp := mustCompile(b, []string{"rm", "-f", "--"}, Options{ContextReplace: true})
	d := &Data{Multi: true}
	for i := range 10000 {
		d.Records = append(d.Records, input.Record{Raw: strconv.Itoa(i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Argv(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFill is the inprocess backend's per-job cost.
func BenchmarkFill(b *testing.B) {
	v, err := CompileVars([]string{"gzip -9 < {} > out/{/.}.gz && echo {#} done"}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var vs Values
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Fill(&vs, benchData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKey is the default --key, {#}, expanded for every job.
func BenchmarkKey(b *testing.B) {
	tp := mustCompile(b, []string{"{#}"}, Options{Mode: Plain})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.String(benchData); err != nil {
			b.Fatal(err)
		}
	}
}
