package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/input"
)

// writeFailed writes one failed job per record set to a --failed file and
// returns the file's path.
func writeFailed(t *testing.T, delim string, sources int, jobs ...[]input.Record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "failed")
	fw, err := OpenFailed(path, delim, sources)
	if err != nil {
		t.Fatal(err)
	}
	for i, recs := range jobs {
		fw.Write(&job.Result{Job: &job.Job{Seq: int64(i + 1), Records: recs}, Status: job.StatusFailed, Exit: 1, Attempts: 1})
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readBack reads path as pmap -a path with cfg would.
func readBack(t *testing.T, cfg input.Config, path string) []input.Record {
	t.Helper()
	cfg.ArgFiles = []string{path}
	src, err := input.Open(cfg, strings.NewReader(""), nil)
	if err != nil {
		t.Fatal(err)
	}
	var recs []input.Record
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Err != nil {
			t.Fatalf("record %q: %v", r.Raw, r.Err)
		}
		recs = append(recs, r)
	}
}

// rowsConfig is how the documented re-run reads a --failed file of several
// sources: --csv --colsep '\t'.
var rowsConfig = input.Config{CSV: true, Colsep: `\t`}

func TestFailedRows(t *testing.T) {
	tests := []struct {
		fields []string
		want   string
	}{
		{[]string{"a", "1"}, "a\t1\n"},
		{[]string{" a ", ""}, " a \t\n"},
		{[]string{"a\tb", "c\nd"}, "\"a\tb\"\t\"c\nd\"\n"},
		{[]string{`say "hi"`, "x\r"}, "\"say \"\"hi\"\"\"\t\"x\r\"\n"},
		{[]string{"cr\r\nlf", "\r\r\n"}, "\"cr\r\r\nlf\"\t\"\r\r\r\n\"\n"},
		{[]string{"nul\x00", "\xff"}, "nul\x00\t\xff\n"},
		{[]string{"\ufeffbom", "x"}, "\"\ufeffbom\"\tx\n"},
		{[]string{""}, "\"\"\n"},
		{[]string{"", ""}, "\t\n"},
	}
	for _, tt := range tests {
		if got := string(appendRow(nil, tt.fields)); got != tt.want {
			t.Errorf("appendRow(%q) = %q, want %q", tt.fields, got, tt.want)
		}
		path := writeFailed(t, "\n", 2, []input.Record{{Raw: strings.Join(tt.fields, " "), Fields: tt.fields}})
		recs := readBack(t, rowsConfig, path)
		if len(recs) != 1 || !reflect.DeepEqual(recs[0].Fields, tt.fields) {
			t.Errorf("%q reads back as %q", tt.fields, fieldsOf(recs))
		}
	}
}

func fieldsOf(recs []input.Record) [][]string {
	var out [][]string
	for _, r := range recs {
		out = append(out, r.Fields)
	}
	return out
}

// FuzzFailedRows checks that rows of values (a failed job of several
// sources) read back, with --csv --colsep '\t', as the same values
// whatever their bytes, and that the rows around them are not disturbed.
func FuzzFailedRows(f *testing.F) {
	f.Add("a", "b", "c")
	f.Add("a\tb", "c\nd", "\r\r\n")
	f.Add("", "\"", "\ufeff")
	f.Add("x\r", "\r", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		want := [][]string{{a, b}, {c}, {"next", "1"}}
		if c == "" {
			want[1] = []string{""}
		}
		var file []byte
		for _, fields := range want {
			file = appendRow(file, fields)
		}
		src, err := input.Open(rowsConfig, strings.NewReader(string(file)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for {
			r, err := src.Next()
			if err != nil {
				break
			}
			if r.Err != nil {
				t.Fatalf("file %q: %v", file, r.Err)
			}
			got = append(got, r.Fields)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("file %q reads back as %q, want %q", file, got, want)
		}
	})
}

// FuzzFailedLines checks that a failed line record (which holds no newline)
// reads back as the same bytes, a CR at its end included.
func FuzzFailedLines(f *testing.F) {
	f.Add("a", "b")
	f.Add("a\r", "\r\r")
	f.Add("", "\x00\t")
	f.Fuzz(func(t *testing.T, a, b string) {
		if strings.Contains(a+b, "\n") {
			return
		}
		path := writeFailed(t, "\n", 1, []input.Record{{Raw: a}}, []input.Record{{Raw: b}})
		recs := readBack(t, input.Config{}, path)
		if len(recs) != 2 || recs[0].Raw != a || recs[1].Raw != b {
			data, _ := os.ReadFile(path)
			t.Fatalf("file %q reads back as %d records %q, want %q %q", data, len(recs), raws(recs), a, b)
		}
	})
}

func raws(recs []input.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Raw)
	}
	return out
}

// TestFailedHeaderRow: with several sources that have headers, the header
// is written as a row of the names, which --header reads back.
func TestFailedHeaderRow(t *testing.T) {
	h := input.NewHeader([]string{"name", "n\tum"})
	h.Raw = "name n\tum"
	path := writeFailed(t, "\n", 2, []input.Record{{Raw: "a\tb 1", Fields: []string{"a\tb", "1"}, Header: h}})
	cfg := rowsConfig
	cfg.Header = true
	recs := readBack(t, cfg, path)
	if len(recs) != 1 || !reflect.DeepEqual(recs[0].Fields, []string{"a\tb", "1"}) || !reflect.DeepEqual(recs[0].Header.Names, h.Names) {
		t.Fatalf("read back %q", fieldsOf(recs))
	}
}
