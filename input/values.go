package input

import "io"

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
