package input

import (
	"errors"
	"io"
	"testing"
)

// collect reads src to the end; it fails the test on a fatal error and on a
// source that does not keep returning io.EOF.
func collect(t testing.TB, src Source) []Record {
	t.Helper()
	recs, err := collectErr(src)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return recs
}

// collectErr reads src to the end or to its first fatal error.
func collectErr(src Source) ([]Record, error) {
	var recs []Record
	for i := 0; ; i++ {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			if _, again := src.Next(); !errors.Is(again, io.EOF) {
				return recs, errors.New("Next after io.EOF did not return io.EOF again")
			}
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

func raws(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Raw
	}
	return out
}

func fieldsOf(recs []Record) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = r.Fields
	}
	return out
}

func lines(recs []Record) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Line
	}
	return out
}
