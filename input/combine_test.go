package input

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// valuesOpener opens value specs only.
func valuesOpener(s Spec) (Source, error) {
	if s.isFile() {
		return nil, errors.New("no files here")
	}
	return NewValues(s.Values), nil
}

func TestCombine(t *testing.T) {
	v := func(vals ...string) Spec { return Spec{Values: vals} }
	l := func(vals ...string) Spec { return Spec{Values: vals, Linked: true} }
	tests := []struct {
		name  string
		specs []Spec
		link  bool
		want  []string
	}{
		{"single", []Spec{v("a", "b")}, false, []string{"a", "b"}},
		// GNU: parallel -k echo ::: a b ::: 1 2
		{"product", []Spec{v("a", "b"), v("1", "2")}, false, []string{"a 1", "a 2", "b 1", "b 2"}},
		{"product of three", []Spec{v("a", "b"), v("1", "2"), v("x", "y")}, false,
			[]string{"a 1 x", "a 1 y", "a 2 x", "a 2 y", "b 1 x", "b 1 y", "b 2 x", "b 2 y"}},
		{"product with one value", []Spec{v("a", "b"), v("1")}, false, []string{"a 1", "b 1"}},
		// GNU: parallel -k --link echo ::: a b c ::: 1 2
		{"link wraps", []Spec{v("a", "b", "c"), v("1", "2")}, true, []string{"a 1", "b 2", "c 1"}},
		// GNU: parallel -k --link echo ::: a b c ::: 1 2 ::: x y z w
		{"link wraps first too", []Spec{v("a", "b", "c"), v("1", "2"), v("x", "y", "z", "w")}, true,
			[]string{"a 1 x", "b 2 y", "c 1 z", "a 2 w"}},
		{"link first shortest", []Spec{v("a"), v("1", "2", "3")}, true, []string{"a 1", "a 2", "a 3"}},
		// GNU: parallel -k --link echo ::: a b c :::+ 1 2 ::: x
		{"link ignores :::+", []Spec{v("a", "b", "c"), l("1", "2"), v("x")}, true, []string{"a 1 x", "b 2 x", "c 1 x"}},
		// GNU: parallel -k echo ::: a b c :::+ 1 2 ::: x y
		{":::+ first group", []Spec{v("a", "b", "c"), l("1", "2"), v("x", "y")}, false,
			[]string{"a 1 x", "a 1 y", "b 2 x", "b 2 y"}},
		// GNU: parallel -k echo ::: a b ::: x y :::+ 1 2 3
		{":::+ later group", []Spec{v("a", "b"), v("x", "y"), l("1", "2", "3")}, false,
			[]string{"a x 1", "a y 2", "b x 1", "b y 2"}},
		{":::+ chain", []Spec{v("a", "b", "c"), l("1", "2", "3"), l("x", "y")}, false, []string{"a 1 x", "b 2 y"}},
		// GNU makes an empty source one empty value; here an empty factor
		// makes the product empty (see Combine).
		{"product with empty source", []Spec{v("a", "b"), {Values: []string{}}}, false, nil},
		{"product with empty first", []Spec{{Values: []string{}}, v("a")}, false, nil},
		{"link with empty source", []Spec{v("a", "b"), {Values: []string{}}}, true, nil},
		{"link with empty first", []Spec{{Values: []string{}}, v("a")}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Combine(tt.specs, tt.link, valuesOpener)
			if err != nil {
				t.Fatal(err)
			}
			recs := collect(t, src)
			if got := raws(recs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if len(tt.specs) > 1 {
				for _, r := range recs {
					if !reflect.DeepEqual(r.Fields, strings.Split(r.Raw, " ")) {
						t.Errorf("record %q has fields %q", r.Raw, r.Fields)
					}
				}
			}
		})
	}
}

func TestCombinePassThrough(t *testing.T) {
	inner, _ := NewColsep(NewValues([]string{"a,b"}), ",")
	src, err := Combine([]Spec{{Values: []string{"ignored"}}}, false, func(Spec) (Source, error) { return inner, nil })
	if err != nil || src != inner {
		t.Fatalf("a single source is not passed through: %v", err)
	}
}

func TestCombineFieldsHeadersErrors(t *testing.T) {
	bad := &RecordError{Source: "t", Line: 2, Err: ErrInvalidCSV}
	h1 := NewHeader([]string{"p", "q"})
	h1.Raw = "p,q"
	h2 := NewHeader([]string{"r"})
	h2.Raw = "r"
	srcs := []Source{
		&sliceSource{{Line: 7, Raw: "1,2", Fields: []string{"1", "2"}, Header: h1}, {Line: 8, Raw: "3", Fields: []string{"3"}, Header: h1}},
		&sliceSource{{Raw: "x", Header: h2, Fields: []string{"x"}}, {Raw: "y,z", Err: bad, Header: h2}},
	}
	i := 0
	src, err := Combine([]Spec{{File: "a"}, {File: "b"}}, false, func(Spec) (Source, error) { i++; return srcs[i-1], nil })
	if err != nil {
		t.Fatal(err)
	}
	recs := collect(t, src)
	wantFields := [][]string{{"1", "2", "x"}, {"1", "2", "y,z"}, {"3", "", "x"}, {"3", "", "y,z"}}
	if !reflect.DeepEqual(fieldsOf(recs), wantFields) {
		t.Fatalf("fields %q, want %q", fieldsOf(recs), wantFields)
	}
	if !slices.Equal(raws(recs), []string{"1,2 x", "1,2 y,z", "3 x", "3 y,z"}) || !slices.Equal(lines(recs), []int64{7, 7, 8, 8}) {
		t.Fatalf("raws %q lines %v", raws(recs), lines(recs))
	}
	h := recs[0].Header
	if h == nil || !slices.Equal(h.Names, []string{"p", "q", "r"}) || h.Raw != "p,q r" || recs[3].Header != h {
		t.Fatalf("header %+v not shared", h)
	}
	if recs[0].Err != nil || recs[1].Err != bad || recs[3].Err != bad {
		t.Fatalf("errors not carried: %v %v %v", recs[0].Err, recs[1].Err, recs[3].Err)
	}
	// Without headers, fields are concatenated as they are (GNU --colsep).
	a, _ := NewColsep(NewValues([]string{"a,b", "c"}), ",")
	b, _ := NewColsep(NewValues([]string{"x,y"}), ",")
	ab := []Source{a, b}
	i = 0
	src, _ = Combine([]Spec{{File: "a"}, {File: "b"}}, false, func(Spec) (Source, error) { i++; return ab[i-1], nil })
	if got := fieldsOf(collect(t, src)); !reflect.DeepEqual(got, [][]string{{"a", "b", "x", "y"}, {"c", "x", "y"}}) {
		t.Fatalf("colsep fields %q", got)
	}
}

type errSource struct{ err error }

func (e errSource) Next() (Record, error) { return Record{}, e.err }

func TestCombineErrors(t *testing.T) {
	if _, err := Combine(nil, false, valuesOpener); err == nil {
		t.Error("no specs: no error")
	}
	if _, err := Combine([]Spec{{Values: []string{"a"}}, {File: "f"}}, false, valuesOpener); err == nil {
		t.Error("open error not returned")
	}
	boom := errors.New("boom")
	open := func(s Spec) (Source, error) {
		if s.File == "bad" {
			return errSource{boom}, nil
		}
		return NewValues([]string{"a"}), nil
	}
	// A later source is read in Combine: its error is Combine's.
	for _, link := range []bool{false, true} {
		if _, err := Combine([]Spec{{File: "good"}, {File: "bad"}}, link, open); !errors.Is(err, boom) {
			t.Errorf("link=%v: later source error = %v", link, err)
		}
		// The first source's error comes from Next, and stays.
		src, err := Combine([]Spec{{File: "bad"}, {File: "good"}}, link, open)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := src.Next(); !errors.Is(err, boom) {
				t.Errorf("link=%v: first source error = %v", link, err)
			}
		}
	}
}

// countingSource counts how far it has been read.
type countingSource struct {
	n, read int
}

func (c *countingSource) Next() (Record, error) {
	if c.read >= c.n {
		return Record{}, io.EOF
	}
	c.read++
	return Record{Raw: "x"}, nil
}

// TestCombineFirstIsLazy: the first source is read as records are asked
// for, and with --link only what may wrap is kept.
func TestCombineFirstIsLazy(t *testing.T) {
	for _, link := range []bool{false, true} {
		first := &countingSource{n: 100000}
		src, err := Combine([]Spec{{File: "1"}, {File: "2"}}, link, func(s Spec) (Source, error) {
			if s.File == "1" {
				return first, nil
			}
			return NewValues([]string{"p", "q"}), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if _, err := src.Next(); err != nil {
				t.Fatal(err)
			}
		}
		if first.read > 5 {
			t.Errorf("link=%v: first source read %d records for 5", link, first.read)
		}
		recs := collect(t, src)
		want := 2*100000 - 5
		if link {
			want = 100000 - 5
			if n := len(src.(*linkAll).firstBuf); n > 2 {
				t.Errorf("--link kept %d records of the first source", n)
			}
		}
		if len(recs) != want {
			t.Errorf("link=%v: %d records, want %d", link, len(recs), want)
		}
	}
}
