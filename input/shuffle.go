package input

import (
	"io"
	"math/rand/v2"
)

// Shuffled returns src's records in a random order (--shuf, as GNU
// parallel's: every job is known before the first runs, so that the
// combinations of several sources are run in no particular order). It reads
// src to its end at the first Next, holding every record in memory; an
// error reading src is returned at once, before any record, so that no job
// runs of an input that could not be read whole. Records that are
// themselves malformed (Record.Err) are shuffled with the others.
func Shuffled(src Source) Source { return &shuffled{src: src} }

type shuffled struct {
	src  Source
	recs []Record
	read bool
	err  error
}

func (s *shuffled) Next() (Record, error) {
	if !s.read {
		s.read = true
		for {
			r, err := s.src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				s.err, s.recs = err, nil
				break
			}
			s.recs = append(s.recs, r)
		}
		rand.Shuffle(len(s.recs), func(i, j int) { s.recs[i], s.recs[j] = s.recs[j], s.recs[i] })
	}
	if s.err != nil {
		return Record{}, s.err
	}
	if len(s.recs) == 0 {
		return Record{}, io.EOF
	}
	r := s.recs[0]
	s.recs[0] = Record{}
	s.recs = s.recs[1:]
	return r, nil
}
