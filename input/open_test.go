package input

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func openAll(t *testing.T, cfg Config, stdin string, specs ...Spec) []Record {
	t.Helper()
	src, err := Open(cfg, strings.NewReader(stdin), specs)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer src.(io.Closer).Close()
	return collect(t, src)
}

func TestOpenStdinLines(t *testing.T) {
	recs := openAll(t, Config{SkipEmpty: true}, "a\r\n\n  \nb")
	if !slices.Equal(raws(recs), []string{"a", "b"}) {
		t.Fatalf("got %q", raws(recs))
	}
	if recs[0].Seq != 1 || recs[1].Seq != 2 || recs[0].Line != 1 || recs[1].Line != 4 || recs[0].Fields != nil {
		t.Fatalf("seq/line: %+v", recs)
	}
}

func TestOpenEmpty(t *testing.T) {
	for _, cfg := range []Config{{}, {CSV: true}, {JSON: true}, {Header: true}, {Colsep: ","}, {Delimiter: "\x00"}} {
		if recs := openAll(t, cfg, ""); len(recs) != 0 {
			t.Errorf("%+v: %d records from empty input", cfg, len(recs))
		}
	}
}

func TestOpenCSVFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.csv")
	body := "name,note\nann,\"line1\nline2\"\nbob,bad\"quote\ncid,\"ok, fine\"\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	recs := openAll(t, Config{CSV: true, Header: true}, "", Spec{File: path})
	if len(recs) != 3 {
		t.Fatalf("got %d records: %q", len(recs), raws(recs))
	}
	h := recs[0].Header
	if h == nil || h.Index("note") != 1 || recs[2].Header != h {
		t.Fatalf("header %+v", h)
	}
	if !reflect.DeepEqual(recs[0].Fields, []string{"ann", "line1\nline2"}) || recs[0].Line != 2 || recs[0].Seq != 1 {
		t.Errorf("first: %+v", recs[0])
	}
	if recs[1].Err == nil || !strings.Contains(recs[1].Err.Error(), path+" line 4: invalid CSV") || recs[1].Raw != "bob,bad\"quote" || recs[1].Seq != 2 {
		t.Errorf("malformed: %+v", recs[1])
	}
	if !reflect.DeepEqual(recs[2].Fields, []string{"cid", "ok, fine"}) || recs[2].Raw != `cid,"ok, fine"` || recs[2].Seq != 3 {
		t.Errorf("last: %+v", recs[2])
	}
	// The file was closed when read to the end.
	src, _ := Open(Config{}, nil, []Spec{{File: path}})
	collect(t, src)
	if f := src.(*opened).files[0]; f.Close() == nil {
		t.Error("file still open after EOF")
	}
	if err := src.(io.Closer).Close(); err != nil {
		t.Errorf("Close after EOF: %v", err)
	}
}

func TestOpenCSVVariants(t *testing.T) {
	// -0 with --csv: each NUL record is one row, newlines inside are data.
	recs := openAll(t, Config{CSV: true, Delimiter: "\x00"}, "a,\"b\nc\"\x00d\x00")
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"a", "b\nc"}, {"d"}}) {
		t.Errorf("-0 --csv: %q", fieldsOf(recs))
	}
	// --csv --colsep ';' sets the separator, as in GNU parallel.
	recs = openAll(t, Config{CSV: true, Colsep: ";"}, "a;\"b;c\"\n")
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"a", "b;c"}}) {
		t.Errorf("--csv --colsep ';': %q", fieldsOf(recs))
	}
	// ::: values with --csv.
	recs = openAll(t, Config{CSV: true}, "", Spec{Values: []string{`"x,y",z`}})
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"x,y", "z"}}) {
		t.Errorf("::: --csv: %q", fieldsOf(recs))
	}
}

func TestOpenJSON(t *testing.T) {
	recs := openAll(t, Config{JSON: true}, "{\"a\":{\"b\":1}}\n\nnot json\n[1,\"x\"]\n")
	if len(recs) != 3 || recs[1].Err == nil || recs[1].Raw != "not json" || recs[2].Seq != 3 {
		t.Fatalf("got %+v", recs)
	}
	if s, ok := Lookup(recs[0].JSON, "a.b"); !ok || s != "1" {
		t.Errorf("a.b = %q %v", s, ok)
	}
	if !strings.HasPrefix(recs[1].Err.Error(), "stdin line 3: invalid JSON: ") {
		t.Errorf("error %q", recs[1].Err)
	}
	recs = openAll(t, Config{JSON: true}, "", Spec{Values: []string{`{"k":"v"}`}})
	if s, _ := Lookup(recs[0].JSON, "k"); s != "v" {
		t.Errorf("::: --json: %+v", recs)
	}
}

func TestOpenHeaderTSV(t *testing.T) {
	// --header alone means TAB columns, as GNU's --header implies --colsep '\t'.
	recs := openAll(t, Config{Header: true}, "a b\tc\n1 2\t 3 \n")
	if len(recs) != 1 || !reflect.DeepEqual(recs[0].Fields, []string{"1 2", " 3 "}) || recs[0].Header.Index("c") != 1 {
		t.Fatalf("got %+v", recs)
	}
	// --csv --colsep takes -d's escapes for its one character: \t is TAB.
	recs = openAll(t, Config{CSV: true, Colsep: `\t`}, "a\t\"b\tc\"\n")
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"a", "b\tc"}}) {
		t.Fatalf("--csv --colsep '\\t': %q", fieldsOf(recs))
	}
	recs = openAll(t, Config{TSV: true}, "a\t b\n")
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"a", " b"}}) {
		t.Fatalf("--tsv: %q", fieldsOf(recs))
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "data.csv")
	tests := []struct {
		name  string
		cfg   Config
		specs []Spec
		want  string
		is    error
	}{
		{"csv+json", Config{CSV: true, JSON: true}, nil, "--json and --csv", nil},
		{"tsv+json", Config{TSV: true, JSON: true}, nil, "--json and --tsv", nil},
		{"colsep+json", Config{Colsep: ",", JSON: true}, nil, "--json and --colsep", nil},
		{"header+json", Config{Header: true, JSON: true}, nil, "--json and --header", nil},
		{"csv+tsv", Config{CSV: true, TSV: true}, nil, "--csv and --tsv", nil},
		{"tsv+colsep", Config{TSV: true, Colsep: ","}, nil, "--tsv and --colsep", nil},
		{"csv+long colsep", Config{CSV: true, Colsep: ";;"}, nil, "single character", nil},
		{"csv+quote colsep", Config{CSV: true, Colsep: `"`}, nil, "not a usable CSV separator", nil},
		{"csv+NUL colsep", Config{CSV: true, Colsep: `\0`}, nil, "not a usable CSV separator", nil},
		{"csv+bad escape colsep", Config{CSV: true, Colsep: `\q`}, nil, "single character", nil},
		{"bad regexp", Config{Colsep: "(?<x"}, nil, "invalid --colsep", nil},
		{"missing file", Config{}, []Spec{{File: missing}}, "open " + missing + ": no such file or directory", fs.ErrNotExist},
		{"missing -a", Config{ArgFiles: []string{missing}}, nil, "open " + missing + ": no such file", fs.ErrNotExist},
		{"missing later", Config{}, []Spec{{Values: []string{"a"}}, {File: missing}}, "no such file", fs.ErrNotExist},
		{"directory", Config{}, []Spec{{File: dir}}, "open " + dir + ": is a directory", nil},
		{"stdin twice", Config{}, []Spec{{File: "-"}, {File: "-"}}, "only once", nil},
		{"stdin twice with -a", Config{ArgFiles: []string{"-"}}, []Spec{{File: "-"}}, "only once", nil},
		{"json several sources", Config{JSON: true}, []Spec{{Values: []string{"{}"}}, {Values: []string{"{}"}}}, "one input source", nil},
		{"empty -a", Config{ArgFiles: []string{""}}, nil, "empty file name", nil},
	}
	for _, tt := range tests {
		src, err := Open(tt.cfg, strings.NewReader(""), tt.specs)
		if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("%s: Open = %v, %v; want error %q", tt.name, src, err, tt.want)
		}
	}
}

// TestOpenFatalHeader: a bad CSV header stops the run with the reason.
func TestOpenFatalHeader(t *testing.T) {
	src, err := Open(Config{CSV: true, Header: true}, strings.NewReader("a\"b\n1\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(); err == nil || !strings.Contains(err.Error(), "stdin line 1") {
		t.Fatalf("got %v", err)
	}
}

// lineGen generates n numbered lines without holding them.
type lineGen struct {
	n, i int
	buf  []byte
}

func (g *lineGen) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.i++
		g.buf = append(g.buf, "row,"...)
		g.buf = append(g.buf, strings.Repeat("x", g.i%50)...)
		g.buf = append(g.buf, ",end\n"...)
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

// TestOpenMemoryFlat streams a large input through a full chain and checks
// that the heap does not grow with it (SPEC: memory flat whatever the size).
func TestOpenMemoryFlat(t *testing.T) {
	// 500,000 records are ~15 MB of input and, kept, well over 50 MB of
	// heap: far above the 8 MiB the check allows.
	n := 500000
	if testing.Short() {
		n = 100000
	}
	for _, cfg := range []Config{{Colsep: ",", SkipEmpty: true}, {CSV: true}, {Link: true}} {
		specs := []Spec(nil)
		if cfg.Link {
			specs = []Spec{{File: "-"}, {Values: []string{"p", "q", "r"}}}
		}
		src, err := Open(cfg, &lineGen{n: n}, specs)
		if err != nil {
			t.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, uint64(0)
		count := 0
		for {
			_, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			count++
			if count%(n/10) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if count != n {
			t.Fatalf("%+v: %d records, want %d", cfg, count, n)
		}
		t.Logf("%+v: heap %d KiB at start, %d KiB at most", cfg, base>>10, peak>>10)
		if peak > base+8<<20 {
			t.Errorf("%+v: heap grew from %d to %d KiB", cfg, base>>10, peak>>10)
		}
	}
}
