package input

import (
	"io"
	"strings"
)

// valuesName is the source name of command-line values in error messages.
const valuesName = ":::"

// values yields command-line values (:::) as records.
type values struct {
	vals []string
	i    int
}

// NewValues returns a Source of the given values, one record each, in
// order: the records of a ::: source. Line is the value's 1-based position.
func NewValues(vals []string) Source {
	return &values{vals: vals}
}

// Next returns the next value as a record; io.EOF after the last one.
func (v *values) Next() (Record, error) {
	if v.i >= len(v.vals) {
		return Record{}, io.EOF
	}
	v.i++
	return Record{Line: int64(v.i), Raw: v.vals[v.i-1]}, nil
}

// SplitValues splits each ::: value at the record delimiter, as GNU
// parallel does with -d: with -d , the value "a,b" is the two records a and
// b. Every piece is a record, empty ones too ("a," gives a and ""), and an
// empty value is one empty record. vals is returned as it is when no value
// holds the delimiter.
func SplitValues(vals []string, delim string) []string {
	n := 0
	for _, v := range vals {
		n += strings.Count(v, delim)
	}
	if n == 0 {
		return vals
	}
	out := make([]string, 0, len(vals)+n)
	for _, v := range vals {
		out = append(out, strings.Split(v, delim)...)
	}
	return out
}
