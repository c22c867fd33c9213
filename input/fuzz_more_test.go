package input

import (
	"encoding/csv"
	"errors"
	"io"
	"reflect"
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

// FuzzCSVFields checks that a record parsed as a CSV row (-0, -d, :::
// values with --csv) keeps its bytes and gives the fields the same bytes
// give as a line of a CSV file, which is how --failed writes it.
func FuzzCSVFields(f *testing.F) {
	for _, s := range []string{"a,b", "\"x\ny\",z", "", "a\r", "\"a\r\r\nb\"", "\na", "a\nb", "\"x\"\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		recs, err := collectErr(NewCSVFields(NewValues([]string{value}), valuesName, ','))
		if err != nil || len(recs) != 1 {
			t.Fatalf("%d records, %v", len(recs), err)
		}
		r := recs[0]
		if r.Raw != value && r.Raw != `""` {
			t.Fatalf("Raw %q, want the value %q", r.Raw, value)
		}
		if r.Err != nil {
			return
		}
		cr := csv.NewReader(strings.NewReader(r.Raw + LineEnd(r.Raw)))
		cr.FieldsPerRecord = -1
		fields, err := cr.Read()
		if err != nil || !reflect.DeepEqual(fields, r.Fields) {
			t.Fatalf("%q as a file line reads as %q (%v), want %q", r.Raw, fields, err, r.Fields)
		}
	})
}
