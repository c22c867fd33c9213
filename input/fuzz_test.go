package input

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

// splitReference is the specification of NewDelimited in a few lines.
func splitReference(in, delim string) []string {
	parts := strings.Split(in, delim)
	if delim == "\n" {
		for i := 0; i < len(parts)-1; i++ { // those followed by a newline
			parts[i] = strings.TrimSuffix(parts[i], "\r")
		}
	}
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // a final delimiter ends, adds nothing
	}
	if len(parts) == 0 {
		return nil
	}
	return parts
}

func FuzzDelimited(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), "\n")
	f.Add([]byte("x,y,z,"), ",")
	f.Add([]byte("aXYbXYXY"), "XY")
	f.Add([]byte("a\x00b\x00"), "\x00")
	f.Add([]byte("aaaaa"), "aa")
	f.Fuzz(func(t *testing.T, data []byte, delim string) {
		if delim == "" {
			delim = "\n"
		}
		in := string(data)
		want := splitReference(in, delim)
		for _, size := range []int{16, readBufSize} {
			recs, err := collectErr(newDelimited(iotest.HalfReader(strings.NewReader(in)), delim, "f", size))
			if err != nil {
				t.Fatal(err)
			}
			got := raws(recs)
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("size %d: got %q, want %q", size, got, want)
			}
			if delim != "\n" && len(got) > 0 {
				// Every byte is accounted for: joining the records with the
				// delimiter gives the input, less a final delimiter.
				if j := strings.Join(got, delim); j != in && j+delim != in {
					t.Fatalf("records %q do not rebuild %q", got, in)
				}
			}
			for i, r := range recs {
				if r.Line != int64(i+1) {
					t.Fatalf("record %d has Line %d", i, r.Line)
				}
			}
		}
	})
}

// plainCSVCount counts rows and parse errors the way encoding/csv sees them.
func plainCSVCount(in string) (rows, bad int) {
	cr := csv.NewReader(strings.NewReader(in))
	cr.FieldsPerRecord = -1
	for {
		_, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return rows, bad
		case errors.As(err, &pe):
			bad++
		case err != nil:
			return rows, bad
		default:
			rows++
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b\n\"c\nd\",e\n"))
	f.Add([]byte("a,b\"c\nd\n"))
	f.Add([]byte("\"unclosed\nx,y\n"))
	f.Add([]byte("\ufeff\"\"\r\n,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		recs, err := collectErr(NewCSV(iotest.HalfReader(strings.NewReader(in)), "f", ','))
		if err != nil {
			t.Fatal(err)
		}
		rows, bad := plainCSVCount(in)
		var gotBad int
		var prevLine int64
		for _, r := range recs {
			if r.Line < prevLine || r.Line < 1 {
				t.Fatalf("line %d after %d", r.Line, prevLine)
			}
			prevLine = r.Line
			if r.Err != nil {
				gotBad++
				if !errors.Is(r.Err, ErrInvalidCSV) || r.Fields != nil || !strings.Contains(in, r.Raw) {
					t.Fatalf("bad record %+v", r)
				}
				continue
			}
			// Raw is the row's bytes as read, and, ended as --failed ends
			// it, re-reads as the same fields and nothing more.
			if r.Raw != `""` && !strings.Contains(in, r.Raw) {
				t.Fatalf("Raw %q is not in the input", r.Raw)
			}
			again := csv.NewReader(strings.NewReader(r.Raw + LineEnd(r.Raw)))
			again.FieldsPerRecord = -1
			fields, err := again.Read()
			if err != nil || !reflect.DeepEqual(fields, r.Fields) {
				t.Fatalf("Raw %q reads back as %q (%v), want %q", r.Raw, fields, err, r.Fields)
			}
			if _, err := again.Read(); err != io.EOF {
				t.Fatalf("Raw %q reads back as more than one row", r.Raw)
			}
		}
		if len(recs)-gotBad != rows || gotBad != bad {
			t.Fatalf("%d rows, %d bad; encoding/csv saw %d rows, %d bad", len(recs)-gotBad, gotBad, rows, bad)
		}
	})
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte("{\"a\":{\"b\":[1,\"x\"]}}\n\n[1,2.50,null]\n{bad\n\"s\"\n"), "a.b.1")
	f.Add([]byte("{\"a\":\"\xff\"}\n{} {}\n"), "a")
	f.Add([]byte("[[[[]]]]\r\n"), "0.0.0")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		in := string(data)
		recs, err := collectErr(NewJSON(NewDelimited(strings.NewReader(in), "\n", "f"), "f"))
		if err != nil {
			t.Fatal(err)
		}
		nonBlank := 0
		for _, l := range splitReference(in, "\n") {
			if strings.TrimLeft(l, jsonSpace) != "" {
				nonBlank++
			}
		}
		if len(recs) != nonBlank {
			t.Fatalf("%d records for %d non-blank lines", len(recs), nonBlank)
		}
		for _, r := range recs {
			if r.Err != nil {
				if !errors.Is(r.Err, ErrInvalidJSON) || r.JSON != nil || r.Fields != nil {
					t.Fatalf("bad record %+v", r)
				}
				continue
			}
			if !json.Valid([]byte(r.Raw)) {
				t.Fatalf("accepted invalid JSON %q", r.Raw)
			}
			switch v := r.JSON.(type) {
			case map[string]any:
				if r.Fields != nil {
					t.Fatalf("object with fields %q", r.Fields)
				}
			case []any:
				if len(r.Fields) != len(v) {
					t.Fatalf("%d fields for %d items", len(r.Fields), len(v))
				}
			default:
				t.Fatalf("JSON is %T", r.JSON)
			}
			s, ok := Lookup(r.JSON, path)
			if !ok && s != "" {
				t.Fatalf("failed lookup returned %q", s)
			}
			if whole, _ := Lookup(r.JSON, ""); !json.Valid([]byte(whole)) {
				t.Fatalf("rendered value %q is not JSON", whole)
			}
		}
	})
}

func FuzzColsep(f *testing.F) {
	f.Add(" a , b ,", ",")
	f.Add("a1b22c", "[0-9]+")
	f.Add("abc", "x*")
	f.Add("a\tb", `\t`)
	f.Add("a::b:", "::")
	f.Fuzz(func(t *testing.T, line, pattern string) {
		split, err := colsepSplitter(pattern, "")
		if err != nil {
			return
		}
		fields := split(line)
		if len(fields) == 0 {
			t.Fatal("no fields")
		}
		for _, fl := range fields {
			if strings.Trim(fl, perlSpace) != fl {
				t.Fatalf("field %q not trimmed", fl)
			}
		}
		re := regexp.MustCompile(pattern)
		want := trimFields(re.Split(line, -1))
		if len(want) == 0 {
			want = []string{""}
		}
		if !reflect.DeepEqual(fields, want) {
			t.Fatalf("fields %q, regexp gives %q", fields, want)
		}
		if pattern != "" && regexp.QuoteMeta(pattern) == pattern && len(fields) != strings.Count(line, pattern)+1 {
			t.Fatalf("%d fields for %d separators", len(fields), strings.Count(line, pattern))
		}
	})
}

// joinArgs turns template and sources back into words.
func joinArgs(template []string, specs []Spec) []string {
	out := append([]string(nil), template...)
	for _, s := range specs {
		switch {
		case !s.isFile() && s.Linked:
			out = append(out, sepValuesLinked)
		case !s.isFile():
			out = append(out, sepValues)
		case s.Linked:
			out = append(out, sepFilesLinked)
		default:
			out = append(out, sepFiles)
		}
		if s.isFile() {
			out = append(out, s.File)
		} else {
			out = append(out, s.Values...)
		}
	}
	return out
}

func FuzzSplitArgs(f *testing.F) {
	f.Add("echo\x00{}\x00:::\x00a\x00b\x00:::+\x001\x002\x00::::\x00f.txt")
	f.Add(":::")
	f.Add("::::+\x00a\x00b\x00:::\x00\x00")
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		tmpl, specs, err := SplitArgs(args)
		if err != nil {
			if !strings.Contains(err.Error(), ":::") {
				t.Fatalf("error %q does not name the separator", err)
			}
			return
		}
		words := 0
		for _, a := range args {
			if !isSep(a) {
				words++
			}
		}
		n := len(tmpl)
		for i, sp := range specs {
			if sp.isFile() {
				if sp.File == "" {
					t.Fatal("empty file name accepted")
				}
				n++
			} else {
				if len(sp.Values) == 0 {
					t.Fatal("::: without values accepted")
				}
				n += len(sp.Values)
			}
			if i == 0 && sp.Linked {
				t.Fatal("first source linked")
			}
		}
		if n != words {
			t.Fatalf("%d words accounted for, %d given", n, words)
		}
		tmpl2, specs2, err := SplitArgs(joinArgs(tmpl, specs))
		if err != nil || !reflect.DeepEqual(tmpl, tmpl2) || !reflect.DeepEqual(specs, specs2) {
			t.Fatalf("round trip: %q %+v -> %q %+v %v", tmpl, specs, tmpl2, specs2, err)
		}
	})
}
