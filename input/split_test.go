package input

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestColsep encodes what GNU parallel 20221122 does, observed with
// `printf 'LINE\n' | parallel --will-cite -k --colsep SEP echo '[{1}][{2}]...'`
// (TestAgainstGNUParallel re-checks these when parallel is installed).
func TestColsep(t *testing.T) {
	tests := []struct {
		sep, line string
		want      []string
	}{
		{" ", " a  b ", []string{"", "a", "", "b", ""}},
		{" +", " a  b ", []string{"", "a", "b", ""}},
		{",", ",a,,b,", []string{"", "a", "", "b", ""}},
		{",", "a,,b,,", []string{"a", "", "b", "", ""}},
		{",", "", []string{""}},
		{",", "abc", []string{"abc"}},
		{",", " a , b ", []string{"a", "b"}},  // fields trimmed: GNU's --trim lr
		{",", " a\t, b ", []string{"a", "b"}}, // tabs too
		{"\t", " a \t b ", []string{"a", "b"}},
		{"[0-9]+", "a1b22c", []string{"a", "b", "c"}},
		{"x*", "abc", []string{"a", "b", "c"}},
		{"", "abc", []string{"a", "b", "c"}},
		{"X", "aXbXc", []string{"a", "b", "c"}},
		{".", "a.b", []string{"", "", "", ""}}, // a regexp, not a literal
		{`\.`, "a.b", []string{"a", "b"}},
		{"::", "a::b", []string{"a", "b"}},
	}
	for _, tt := range tests {
		src, err := NewColsep(NewValues([]string{tt.line}), tt.sep)
		if err != nil {
			t.Fatalf("NewColsep(%q): %v", tt.sep, err)
		}
		recs := collect(t, src)
		if len(recs) != 1 || !reflect.DeepEqual(recs[0].Fields, tt.want) || recs[0].Raw != tt.line {
			t.Errorf("--colsep %q on %q: got %q, want %q", tt.sep, tt.line, fieldsOf(recs), tt.want)
		}
	}
}

func TestColsepInvalid(t *testing.T) {
	_, err := NewColsep(NewValues(nil), "(?=x)") // Perl lookahead: not RE2
	if err == nil || !strings.Contains(err.Error(), "--colsep") {
		t.Fatalf("got %v, want an error naming --colsep", err)
	}
}

func TestColsepKeepsBadRecords(t *testing.T) {
	bad := &RecordError{Source: "x", Line: 1, Err: ErrInvalidCSV}
	src, _ := NewColsep(&sliceSource{{Raw: "a,b", Err: bad}}, ",")
	recs := collect(t, src)
	if len(recs) != 1 || recs[0].Fields != nil || recs[0].Err != bad {
		t.Fatalf("got %+v", recs)
	}
}

func TestTSV(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"a\tb", []string{"a", "b"}},
		{" a \t b ", []string{" a ", " b "}}, // exact: no trimming
		{"\ta\t", []string{"", "a", ""}},
		{"", []string{""}},
		{"\"a\tb\"", []string{`"a`, `b"`}}, // no quoting
	}
	for _, tt := range tests {
		recs := collect(t, NewTSV(NewValues([]string{tt.line})))
		if len(recs) != 1 || !reflect.DeepEqual(recs[0].Fields, tt.want) {
			t.Errorf("--tsv on %q: got %q, want %q", tt.line, fieldsOf(recs), tt.want)
		}
	}
}

// sliceSource yields the records it holds.
type sliceSource []Record

func (s *sliceSource) Next() (Record, error) {
	if len(*s) == 0 {
		return Record{}, io.EOF
	}
	r := (*s)[0]
	*s = (*s)[1:]
	return r, nil
}
