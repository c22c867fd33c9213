package input

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzTSV checks --tsv with and without --header: no panic, every line but
// the header becomes exactly one record, fields rejoin to the line, and a
// header names the columns.
func FuzzTSV(f *testing.F) {
	f.Add("a\tb\nc\td\n", false)
	f.Add("name\tage\nann\t30\nbob\n", true)
	f.Add("\t\t\n\n", true)
	f.Add("x", false)
	f.Fuzz(func(t *testing.T, data string, header bool) {
		src := NewTSV(NewDelimited(strings.NewReader(data), "\n", "stdin"))
		if header {
			src = WithHeader(src)
		}
		lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(data, "\r\n", "\n"), "\n"), "\n")
		if data == "" {
			lines = nil
		}
		want := len(lines)
		if header && want > 0 {
			want--
		}
		n := 0
		for {
			r, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // a malformed header line is a fatal error, by design
			}
			if got := strings.Join(r.Fields, "\t"); got != r.Raw {
				t.Fatalf("fields %q do not rejoin to %q", r.Fields, r.Raw)
			}
			if header && r.Header == nil {
				t.Fatal("record without its header")
			}
			n++
		}
		if n != want {
			t.Fatalf("%d records from %d lines (header %v)", n, len(lines), header)
		}
	})
}

// FuzzParseDelimiter checks -d: no panic, a result is never empty, and a
// plain string without backslashes is taken as it is.
func FuzzParseDelimiter(f *testing.F) {
	for _, s := range []string{",", `\t`, `\0`, `\x2c`, `\\`, `\q`, `\x`, "ab", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDelimiter(s)
		if err != nil {
			return
		}
		if d == "" {
			t.Fatalf("%q parsed to an empty delimiter", s)
		}
		if !strings.Contains(s, `\`) && d != s {
			t.Fatalf("%q parsed to %q", s, d)
		}
	})
}
