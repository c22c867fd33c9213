package input

// Peek reads the first record of src, so that a caller can look at it (the
// --header names) before the run starts, and returns a Source that yields
// that record again and then the rest of src: nothing is lost or read twice.
// err is src's error for the first record (io.EOF for no records), which the
// returned Source also gives back first.
func Peek(src Source) (first Record, rest Source, err error) {
	first, err = src.Next()
	return first, &peeked{src: src, rec: first, err: err, held: true}, err
}

// peeked is a Source holding back its first record.
type peeked struct {
	src  Source
	rec  Record
	err  error
	held bool
}

// Next returns the held record (or error) once, then src's.
func (p *peeked) Next() (Record, error) {
	if p.held {
		p.held = false
		rec, err := p.rec, p.err
		p.rec = Record{}
		return rec, err
	}
	return p.src.Next()
}

// Buffer reads all of src into memory (GNU parallel's {##} needs the
// number of jobs before the first starts) and returns how many records it
// holds and a Source that yields them, then src's final error (io.EOF at
// the end, or the read error where it happened).
func Buffer(src Source) (n int, replay Source) {
	b := &buffered{}
	for {
		rec, err := src.Next()
		if err != nil {
			b.err = err
			break
		}
		b.recs = append(b.recs, rec)
	}
	return len(b.recs), b
}

// buffered is a Source of records read ahead.
type buffered struct {
	recs []Record
	err  error
}

// Next returns the next record read ahead, then the final error.
func (b *buffered) Next() (Record, error) {
	if len(b.recs) == 0 {
		return Record{}, b.err
	}
	rec := b.recs[0]
	b.recs[0] = Record{}
	b.recs = b.recs[1:]
	return rec, nil
}
