package input

import "io"

// untilEOF ends a source at the record that is exactly eof (-E): that
// record and the rest of the source are not read, as in xargs and GNU
// parallel.
type untilEOF struct {
	src  Source
	eof  string
	done bool
}

// Next returns the next record, or io.EOF from the end-of-file record on.
func (u *untilEOF) Next() (Record, error) {
	if u.done {
		return Record{}, io.EOF
	}
	r, err := u.src.Next()
	if err == nil && r.Err == nil && r.Raw == u.eof {
		u.done = true
		return Record{}, io.EOF
	}
	return r, err
}
