package input

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSkipEmpty(t *testing.T) {
	bad := &RecordError{Source: "t", Line: 3, Err: ErrInvalidJSON}
	src := SkipEmpty(&sliceSource{
		{Raw: "a"}, {Raw: ""}, {Raw: " \t"}, {Raw: "", Err: bad}, {Raw: "\u00a0\u2003"}, {Raw: " b "}, {Raw: "\x00"}, {Raw: "\r\n"},
	})
	recs := collect(t, src)
	if got := raws(recs); !slices.Equal(got, []string{"a", "", " b ", "\x00"}) || recs[1].Err != bad {
		t.Fatalf("got %q", got)
	}
}

func TestWithHeader(t *testing.T) {
	src := WithHeader(NewTSV(NewDelimited(strings.NewReader("x\ty\tx\n1\t2\t3\n4\t5\t6\n"), "\n", "t")))
	recs := collect(t, src)
	if len(recs) != 2 || recs[0].Header == nil || recs[0].Header != recs[1].Header {
		t.Fatalf("records do not share one header: %+v", recs)
	}
	h := recs[0].Header
	if !slices.Equal(h.Names, []string{"x", "y", "x"}) || h.Raw != "x\ty\tx" || h.Index("y") != 1 || h.Index("x") != 0 || h.Index("z") != -1 {
		t.Fatalf("header %+v", h)
	}
	if !reflect.DeepEqual(fieldsOf(recs), [][]string{{"1", "2", "3"}, {"4", "5", "6"}}) || recs[0].Line != 2 {
		t.Fatalf("records %+v", recs)
	}
	// Unsplit records: the header is the one name.
	recs = collect(t, WithHeader(NewValues([]string{"f", "a"})))
	if len(recs) != 1 || recs[0].Header.Index("f") != 0 {
		t.Fatalf("unsplit: %+v", recs)
	}
	// Empty and header-only input: no records.
	for _, in := range []string{"", "only\n"} {
		if recs := collect(t, WithHeader(NewTSV(NewDelimited(strings.NewReader(in), "\n", "t")))); len(recs) != 0 {
			t.Errorf("%q: %d records", in, len(recs))
		}
	}
	// A malformed header is fatal.
	_, err := WithHeader(NewCSV(strings.NewReader("a\"b\n1\n"), "h.csv", ',')).Next()
	if err == nil || !strings.Contains(err.Error(), "header: h.csv line 1: invalid CSV") {
		t.Fatalf("bad header: %v", err)
	}
}

func TestNumbered(t *testing.T) {
	recs := collect(t, Numbered(SkipEmpty(NewDelimited(strings.NewReader("a\n\nb\n"), "\n", "t"))))
	if len(recs) != 2 || recs[0].Seq != 1 || recs[1].Seq != 2 || recs[1].Line != 3 {
		t.Fatalf("got %+v", recs)
	}
}
