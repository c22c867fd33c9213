package input

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountMatchesOpen checks that Count predicts exactly the number of
// records Open yields, over the input formats and source combinations.
func TestCountMatchesOpen(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lines := file("lines", "a\nb\n\nc")
	crlf := file("crlf", "a\r\nb\r\n")
	blank := file("blank", "a\n  \n\t\nb\n\n")
	csvf := file("csv", "h1,h2\n\"x\ny\",1\n\n\"q\"\"\",2\n")
	jsonf := file("json", "{\"a\":1}\n\n  \n[1,2]\nnot json\n")
	nul := file("nul", "a\x00b\x00c\x00")
	multi := file("multi", "a<>b<>c")
	empty := file("empty", "")
	tsv := file("tsv", "n\tm\n1\t2\n3\t4\n")

	cases := []struct {
		name  string
		cfg   Config
		specs []Spec
		stdin string // a file given as stdin, "" for none
	}{
		{"lines", Config{ArgFiles: []string{lines}}, nil, ""},
		{"stdin", Config{}, nil, lines},
		{"crlf", Config{}, nil, crlf},
		{"empty", Config{}, nil, empty},
		{"skip blank", Config{SkipEmpty: true}, nil, blank},
		{"blank kept", Config{}, nil, blank},
		{"csv", Config{CSV: true}, nil, csvf},
		{"csv header", Config{CSV: true, Header: true}, nil, csvf},
		{"json", Config{JSON: true}, nil, jsonf},
		{"null", Config{Delimiter: "\x00"}, nil, nul},
		{"multi-byte delimiter", Config{Delimiter: "<>"}, nil, multi},
		{"tsv header", Config{TSV: true, Header: true}, nil, tsv},
		{"colsep", Config{Colsep: "\t"}, nil, tsv},
		{"values", Config{}, []Spec{{Values: []string{"a", "b", "c"}}}, ""},
		{"values header", Config{Header: true}, []Spec{{Values: []string{"h", "b", "c"}}}, ""},
		{"values -r", Config{SkipEmpty: true}, []Spec{{Values: []string{"a", " ", "c"}}}, ""},
		{"product", Config{}, []Spec{{Values: []string{"a", "b"}}, {Values: []string{"1", "2", "3"}}, {File: lines}}, ""},
		{"linked", Config{}, []Spec{{Values: []string{"a", "b"}}, {Values: []string{"1", "2", "3"}, Linked: true}, {Values: []string{"x", "y"}}}, ""},
		{"linked first", Config{}, []Spec{{Values: []string{"a", "b"}, Linked: true}, {Values: []string{"1", "2", "3"}}}, ""},
		{"link all", Config{Link: true}, []Spec{{Values: []string{"a", "b", "c"}}, {Values: []string{"1", "2"}}}, ""},
		{"link empty", Config{Link: true}, []Spec{{File: empty}, {Values: []string{"1", "2"}}}, ""},
		{"product empty", Config{}, []Spec{{Values: []string{"a"}}, {File: empty}}, ""},
		{"stdin in product", Config{ArgFiles: []string{tsv}}, []Spec{{File: "-"}}, lines},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			open := func() io.Reader {
				if tc.stdin == "" {
					return strings.NewReader("")
				}
				f, err := os.Open(tc.stdin)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				return f
			}
			src, err := Open(tc.cfg, open(), tc.specs)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			want := int64(len(collect(t, src)))

			var stdin io.Reader = strings.NewReader("")
			if tc.stdin != "" {
				stdin = open()
			}
			c, ok := NewCounter(tc.cfg, stdin, tc.specs)
			if tc.stdin == "" && tc.specs == nil && len(tc.cfg.ArgFiles) == 0 {
				if ok {
					t.Fatal("a strings.Reader stdin was counted")
				}
				return
			}
			if !ok {
				t.Fatal("NewCounter: not countable")
			}
			got, err := c.Count(context.Background())
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			if got != want {
				t.Errorf("Count = %d, Open yields %d records", got, want)
			}
		})
	}
}

// TestCountLeavesStdinAlone checks that counting a regular-file stdin does
// not move the offset the run reads from, and counts from that offset.
func TestCountLeavesStdinAlone(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(p, []byte("skip\na\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(5, io.SeekStart); err != nil { // as if `read` took the first line
		t.Fatal(err)
	}
	c, ok := NewCounter(Config{}, f, nil)
	if !ok {
		t.Fatal("a regular file was not countable")
	}
	n, err := c.Count(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("Count = %d, %v; want 3", n, err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || string(rest) != "a\nb\nc\n" {
		t.Fatalf("stdin after counting: %q, %v", rest, err)
	}
}

// TestCountUncountable checks that pipes and FIFOs are not read for a count.
func TestCountUncountable(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, ok := NewCounter(Config{}, r, nil); ok {
		t.Error("a pipe on stdin was counted")
	}
	if _, ok := NewCounter(Config{}, nil, []Spec{{File: "/dev/null"}}); ok {
		t.Error("a device file was counted")
	}
	if _, ok := NewCounter(Config{}, nil, []Spec{{File: filepath.Join(t.TempDir(), "missing")}}); ok {
		t.Error("a missing file was counted")
	}
}

// TestCountCancel checks that a cancelled count stops with ctx's error.
func TestCountCancel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(p, []byte(strings.Repeat("x\n", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, ok := NewCounter(Config{ArgFiles: []string{p}}, nil, nil)
	if !ok {
		t.Fatal("not countable")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Count(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Count after cancel: %v, want context.Canceled", err)
	}
}

func BenchmarkCountLines(b *testing.B) {
	p := filepath.Join(b.TempDir(), "lines")
	data := []byte(strings.Repeat("some/path/to/a/file.txt\n", 1<<16))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, _ := NewCounter(Config{ArgFiles: []string{p}}, nil, nil)
		if n, err := c.Count(context.Background()); err != nil || n != 1<<16 {
			b.Fatalf("Count = %d, %v", n, err)
		}
	}
}
