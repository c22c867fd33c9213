package input

import (
	"errors"
	"io"
	"reflect"
	"testing"
)

// drainRaw reads src to its end, returning the records' Raw and the final error.
func drainRaw(src Source) ([]string, error) {
	var raws []string
	for {
		r, err := src.Next()
		if err != nil {
			return raws, err
		}
		raws = append(raws, r.Raw)
	}
}

// TestPeek: the first record is seen and then yielded again, once.
func TestPeek(t *testing.T) {
	first, rest, err := Peek(NewValues([]string{"a", "b"}))
	if err != nil || first.Raw != "a" {
		t.Fatalf("Peek = %q, %v", first.Raw, err)
	}
	if raws, err := drainRaw(rest); !reflect.DeepEqual(raws, []string{"a", "b"}) || err != io.EOF {
		t.Errorf("rest = %q, %v", raws, err)
	}
	_, rest, err = Peek(NewValues(nil))
	if err != io.EOF {
		t.Fatalf("empty: %v", err)
	}
	if _, err := rest.Next(); err != io.EOF {
		t.Errorf("empty rest: %v", err)
	}
}

// failing yields its records, then err.
type failing struct {
	recs []string
	err  error
}

func (f *failing) Next() (Record, error) {
	if len(f.recs) == 0 {
		return Record{}, f.err
	}
	r := Record{Raw: f.recs[0]}
	f.recs = f.recs[1:]
	return r, nil
}

// TestBuffer: every record is counted and replayed, then the read error
// where it happened.
func TestBuffer(t *testing.T) {
	bad := errors.New("read failed")
	n, replay := Buffer(&failing{recs: []string{"a", "b", "c"}, err: bad})
	if n != 3 {
		t.Errorf("n = %d", n)
	}
	if raws, err := drainRaw(replay); !reflect.DeepEqual(raws, []string{"a", "b", "c"}) || err != bad {
		t.Errorf("replay = %q, %v", raws, err)
	}
}

// TestSplitValues compares with GNU parallel 20221122 (parallel -d , echo
// ::: ...): every piece is a record, empty ones too.
func TestSplitValues(t *testing.T) {
	for _, c := range []struct {
		vals  []string
		delim string
		want  []string
	}{
		{[]string{"a,b", "c"}, ",", []string{"a", "b", "c"}},
		{[]string{"a,", "a,,"}, ",", []string{"a", "", "a", "", ""}},
		{[]string{""}, ",", []string{""}},
		{[]string{",c,"}, ",", []string{"", "c", ""}},
		{[]string{"xaby"}, "ab", []string{"x", "y"}},
		{[]string{"x\ny", "z"}, "\n", []string{"x", "y", "z"}},
		{[]string{"a b"}, "\n", []string{"a b"}},
	} {
		if got := SplitValues(c.vals, c.delim); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitValues(%q, %q) = %q, want %q", c.vals, c.delim, got, c.want)
		}
	}
}
