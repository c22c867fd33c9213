package input

import "fmt"

// headerSource takes the first record of src as the field names.
type headerSource struct {
	src  Source
	h    *Header
	done bool
}

// WithHeader returns src with its first record taken as the names of the
// fields (--header): that record is not returned, and every later record
// carries the same *Header, so a template resolves {name} to a column once
// per source, not once per record. A first record without Fields names one
// column with its Raw text (GNU parallel: `--header : ::: f a b` gives {f}).
//
// A malformed first record is a fatal error: without names, no {name} in the
// template can be resolved for any record.
func WithHeader(src Source) Source { return &headerSource{src: src} }

// Next returns the next record after the header line, with Header set.
func (s *headerSource) Next() (Record, error) {
	if !s.done {
		s.done = true
		first, err := s.src.Next()
		if err != nil {
			return Record{}, err // io.EOF: no header, no records
		}
		if first.Err != nil {
			return Record{}, fmt.Errorf("header: %w", first.Err)
		}
		names := first.Fields
		if names == nil {
			names = []string{first.Raw}
		}
		s.h = NewHeader(names)
		s.h.Raw = first.Raw
	}
	rec, err := s.src.Next()
	if err == nil {
		rec.Header = s.h
	}
	return rec, err
}
