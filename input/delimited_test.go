package input

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDelimited(t *testing.T) {
	tests := []struct {
		name, in, delim string
		want            []string
	}{
		{"empty input", "", "\n", nil},
		{"one newline", "\n", "\n", []string{""}},
		{"lines", "a\nb\n", "\n", []string{"a", "b"}},
		{"final line without newline", "a\nb", "\n", []string{"a", "b"}},
		{"empty lines kept", "a\n\nb\n", "\n", []string{"a", "", "b"}},
		{"crlf", "a\r\nb\r\n", "\n", []string{"a", "b"}},
		{"crlf mixed, lone cr kept", "a\r\nb\rc\n\r\n", "\n", []string{"a", "b\rc", ""}},
		{"cr at end without newline kept", "a\r", "\n", []string{"a\r"}},
		{"default delimiter", "a\nb", "", []string{"a", "b"}},
		{"nul bytes pass through", "a\x00b\n", "\n", []string{"a\x00b"}},
		{"invalid utf-8 passes through", "\xff\xfe\n", "\n", []string{"\xff\xfe"}},
		{"-0", "a\x00b\nc\x00", "\x00", []string{"a", "b\nc"}},
		{"-0 keeps crlf", "a\r\n\x00b", "\x00", []string{"a\r\n", "b"}},
		// GNU parallel 20221122: printf 'x,y,z,' | parallel -d , echo -> x y z
		{"-d trailing delimiter adds nothing", "x,y,z,", ",", []string{"x", "y", "z"}},
		// GNU: echo 'aNb' | parallel -d N echo '[{}]' -> [a] [b\n]
		{"-d newline is ordinary", "aNb\n", "N", []string{"a", "b\n"}},
		{"-d empty records", ",,a,", ",", []string{"", "", "a"}},
		// GNU: printf 'aXYbXYc' | parallel -d XY -> a b c
		{"multi-byte", "aXYbXYc", "XY", []string{"a", "b", "c"}},
		{"multi-byte partial matches", "aXbYXXYc", "XY", []string{"aXbYX", "c"}},
		{"multi-byte overlap leftmost", "aaa", "aa", []string{"", "a"}},
		{"multi-byte only delimiter", "XY", "XY", []string{""}},
		{"multi-byte prefix at end", "aX", "XY", []string{"aX"}},
		{"crlf delimiter", "a\r\nb\r\n", "\r\n", []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readers := map[string]io.Reader{
				"plain":    strings.NewReader(tt.in),
				"one byte": iotest.OneByteReader(strings.NewReader(tt.in)),
				"data+EOF": iotest.DataErrReader(strings.NewReader(tt.in)),
			}
			for rname, r := range readers {
				recs := collect(t, NewDelimited(r, tt.delim, "test"))
				if got := raws(recs); !slices.Equal(got, tt.want) {
					t.Errorf("%s: got %q, want %q", rname, got, tt.want)
				}
				for i, rec := range recs {
					if rec.Line != int64(i+1) || rec.Fields != nil || rec.Err != nil {
						t.Errorf("%s: record %d = %+v", rname, i, rec)
					}
				}
			}
		})
	}
}

func TestDelimitedHugeRecord(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 10<<20/16+3) // a bit over 10 MiB
	for _, delim := range []string{"\n", ",", "<>"} {
		in := "a" + delim + big + delim + "b"
		recs := collect(t, NewDelimited(strings.NewReader(in), delim, "test"))
		if len(recs) != 3 || recs[0].Raw != "a" || recs[1].Raw != big || recs[2].Raw != "b" {
			t.Fatalf("delim %q: got %d records", delim, len(recs))
		}
	}
	// Without a final delimiter, and with \r\n.
	recs := collect(t, NewDelimited(strings.NewReader(big+"\r\n"+big), "\n", "test"))
	if len(recs) != 2 || recs[0].Raw != big || recs[1].Raw != big {
		t.Fatalf("crlf: got %d records", len(recs))
	}
}

func TestDelimitedReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom))
	src := NewDelimited(r, "\n", "data.txt")
	rec, err := src.Next()
	if err != nil || rec.Raw != "a" {
		t.Fatalf("first record: %+v, %v", rec, err)
	}
	for range 2 { // the error is sticky
		_, err = src.Next()
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "data.txt") {
			t.Fatalf("got %v, want boom naming data.txt", err)
		}
	}
}

// TestDelimitedAllocs checks the fast path: one allocation (the string) per
// ordinary line.
func TestDelimitedAllocs(t *testing.T) {
	data := bytes.Repeat([]byte("some/path/to/a/file.txt\n"), 100000)
	var src Source
	allocs := testing.AllocsPerRun(5, func() {
		src = NewDelimited(bytes.NewReader(data), "\n", "test")
		for {
			if _, err := src.Next(); err != nil {
				break
			}
		}
	})
	if per := allocs / 100000; per > 1.01 {
		t.Errorf("%.3f allocations per line, want 1", per)
	}
}
