package input

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCSV(t *testing.T) {
	type row struct {
		line   int64
		raw    string
		fields []string
		err    string // substring of Err; "" for none
	}
	tests := []struct {
		name, in string
		comma    rune
		want     []row
	}{
		{name: "empty", in: "", want: nil},
		{name: "simple", in: "a,b\nc,d", want: []row{
			{1, "a,b", []string{"a", "b"}, ""},
			{2, "c,d", []string{"c", "d"}, ""},
		}},
		{name: "quotes and escapes", in: "\"a,1\",\"say \"\"hi\"\"\",plain\n", want: []row{
			{1, "\"a,1\",\"say \"\"hi\"\"\",plain", []string{"a,1", `say "hi"`, "plain"}, ""},
		}},
		{name: "embedded newline", in: "id,text\n1,\"two\nlines\"\n2,x\n", want: []row{
			{1, "id,text", []string{"id", "text"}, ""},
			{2, "1,\"two\nlines\"", []string{"1", "two\nlines"}, ""},
			{4, "2,x", []string{"2", "x"}, ""},
		}},
		{name: "crlf and blank lines", in: "a,b\r\n\r\n\nc,d\r\n", want: []row{
			{1, "a,b", []string{"a", "b"}, ""},
			{4, "c,d", []string{"c", "d"}, ""},
		}},
		{name: "ragged rows", in: "a\nb,c,d\n", want: []row{
			{1, "a", []string{"a"}, ""},
			{2, "b,c,d", []string{"b", "c", "d"}, ""},
		}},
		{name: "quotes kept as read", in: "\"a\",\"\"\n", want: []row{
			{1, "\"a\",\"\"", []string{"a", ""}, ""},
		}},
		{name: "cr before the line break kept", in: "\"x\r\r\ny\",a\r\r\nb\r", want: []row{
			{1, "\"x\r\r\ny\",a\r", []string{"x\r\ny", "a\r"}, ""},
			{3, "b", []string{"b"}, ""},
		}},
		{name: "only a byte order mark", in: "\ufeff\n\na\n", want: []row{
			{1, `""`, []string{""}, ""},
			{3, "a", []string{"a"}, ""},
		}},
		{name: "quoted byte order mark kept", in: "\"\ufeffa\"\n", want: []row{
			{1, "\"\ufeffa\"", []string{"\ufeffa"}, ""},
		}},
		{name: "single empty field", in: "\"\"\n", want: []row{
			{1, `""`, []string{""}, ""},
		}},
		{name: "malformed rows in the middle", in: "a,b\nc,d\"e\nf,\"g\"h\ni,j\n", want: []row{
			{1, "a,b", []string{"a", "b"}, ""},
			{2, "c,d\"e", nil, `test line 2: invalid CSV: bare " in non-quoted-field (column 4)`},
			{3, "f,\"g\"h", nil, `test line 3: invalid CSV: extraneous or missing " in quoted-field`},
			{4, "i,j", []string{"i", "j"}, ""},
		}},
		{name: "unclosed quote takes the rest", in: "a\n\"b,c\nd\n", want: []row{
			{1, "a", []string{"a"}, ""},
			{2, "\"b,c\nd", nil, "test line 2: invalid CSV: extraneous or missing \" in quoted-field (line 3,"},
		}},
		{name: "byte order mark dropped", in: "\ufeffname,x\n1,2\n", want: []row{
			{1, "name,x", []string{"name", "x"}, ""},
			{2, "1,2", []string{"1", "2"}, ""},
		}},
		{name: "semicolon", in: "a;\"b;c\"\n", comma: ';', want: []row{
			{1, "a;\"b;c\"", []string{"a", "b;c"}, ""},
		}},
		{name: "nul and invalid utf-8 pass through", in: "a\x00,\xff\n", want: []row{
			{1, "a\x00,\xff", []string{"a\x00", "\xff"}, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comma := tt.comma
			if comma == 0 {
				comma = ','
			}
			for _, oneByte := range []bool{false, true} {
				r := strings.NewReader(tt.in)
				var src Source = NewCSV(r, "test", comma)
				if oneByte {
					src = NewCSV(iotest.OneByteReader(strings.NewReader(tt.in)), "test", comma)
				}
				recs := collect(t, src)
				if len(recs) != len(tt.want) {
					t.Fatalf("got %d records %q, want %d", len(recs), raws(recs), len(tt.want))
				}
				for i, w := range tt.want {
					got := recs[i]
					if got.Line != w.line || got.Raw != w.raw || !reflect.DeepEqual(got.Fields, w.fields) {
						t.Errorf("record %d = line %d raw %q fields %q; want line %d raw %q fields %q",
							i, got.Line, got.Raw, got.Fields, w.line, w.raw, w.fields)
					}
					switch {
					case w.err == "" && got.Err != nil:
						t.Errorf("record %d: unexpected Err %v", i, got.Err)
					case w.err != "" && (got.Err == nil || !strings.Contains(got.Err.Error(), w.err)):
						t.Errorf("record %d: Err = %v, want %q", i, got.Err, w.err)
					case w.err != "" && !errors.Is(got.Err, ErrInvalidCSV):
						t.Errorf("record %d: Err %v does not wrap ErrInvalidCSV", i, got.Err)
					}
				}
			}
		})
	}
}

// TestCSVRawRoundTrip: Raw read back as CSV gives the same fields.
func TestCSVRawRoundTrip(t *testing.T) {
	in := "a,\"b,c\",\"d\"\"e\",\" f\",\"g\nh\"\n"
	recs := collect(t, NewCSV(strings.NewReader(in), "t", ','))
	again := collect(t, NewCSV(strings.NewReader(recs[0].Raw), "t", ','))
	if len(again) != 1 || !reflect.DeepEqual(again[0].Fields, recs[0].Fields) {
		t.Fatalf("Raw %q reads back as %q, want %q", recs[0].Raw, fieldsOf(again), recs[0].Fields)
	}
}

func TestCSVFields(t *testing.T) {
	tests := []struct {
		in, raw string
		fields  []string
		err     string
	}{
		{"a,b", "a,b", []string{"a", "b"}, ""},
		{"\"x\ny\",z", "\"x\ny\",z", []string{"x\ny", "z"}, ""},
		{"\"a\",b\n", "\"a\",b\n", []string{"a", "b"}, ""},
		{"a\r", "a\r", []string{"a\r"}, ""}, // as in a file: a\r\r\n
		{"", `""`, []string{""}, ""},
		{"a,b\nc,d", "a,b\nc,d", nil, "::: value 1: invalid CSV: more than one row"},
		{"a\"b", "a\"b", nil, "::: value 1: invalid CSV: bare \""},
	}
	for _, tt := range tests {
		recs := collect(t, NewCSVFields(NewValues([]string{tt.in}), valuesName, ','))
		if len(recs) != 1 {
			t.Fatalf("%q: %d records", tt.in, len(recs))
		}
		got := recs[0]
		if got.Raw != tt.raw || !reflect.DeepEqual(got.Fields, tt.fields) {
			t.Errorf("%q: raw %q fields %q, want %q %q", tt.in, got.Raw, got.Fields, tt.raw, tt.fields)
		}
		if (tt.err == "") != (got.Err == nil) || (got.Err != nil && !strings.Contains(got.Err.Error(), tt.err)) {
			t.Errorf("%q: Err %v, want %q", tt.in, got.Err, tt.err)
		}
	}
}

// TestCSVMemoryBounded: the recorder keeps only csv's read-ahead, however
// long the input.
func TestCSVMemoryBounded(t *testing.T) {
	src := NewCSV(strings.NewReader(strings.Repeat("abc,\"de\nf\",ghi\n", 200000)), "t", ',').(*csvSource)
	n := 0
	for {
		_, err := src.Next()
		if err != nil {
			break
		}
		n++
		if live := len(src.rec.buf) - src.rec.off; live > 64<<10 {
			t.Fatalf("recorder holds %d bytes after %d rows", live, n)
		}
	}
	if n != 200000 {
		t.Fatalf("read %d rows", n)
	}
	if cap(src.rec.buf) > 64<<10 {
		t.Fatalf("recorder buffer grew to %d", cap(src.rec.buf))
	}
}
