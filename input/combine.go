package input

import (
	"errors"
	"io"
	"strings"
)

// Combine opens every source in specs with open and combines them into one
// Source of records, as GNU parallel does with several input sources:
//
//   - one source: its records pass through unchanged (their --colsep, --csv
//     or --json fields survive);
//   - several: the cartesian product, the first source varying slowest
//     (`::: a b ::: 1 2` gives a 1, a 2, b 1, b 2);
//   - a Linked source is zipped with the one before it (pairwise, the
//     shortest wins) and the zipped group takes part in the product as one;
//   - link (--link) zips all sources, the longest deciding the number of
//     records and the shorter ones starting over (`::: a b c ::: 1 2` gives
//     a 1, b 2, c 1); Linked flags are then moot.
//
// A combined record has Raw = the sources' Raw joined by one space and
// Fields = one value per source (its Raw), or, for a source whose records
// have Fields (--colsep, --csv), all those fields in its place, which is how
// GNU parallel numbers {1}..{n} across sources. When every source has a
// Header the combined record has their names concatenated, each source's
// fields padded or cut to its header's length so the names line up. Err is
// the first Err of the parts; Line is the first source's Line.
//
// Only the first group of sources is read lazily, as the run goes; every
// other source is read into memory here, since the product repeats it. A
// source with no records makes the product empty. Every source is opened
// here, so an unreadable file is reported before anything runs.
func Combine(specs []Spec, link bool, open func(Spec) (Source, error)) (Source, error) {
	if len(specs) == 0 {
		return nil, errors.New("no input sources")
	}
	srcs := make([]Source, len(specs))
	for i, s := range specs {
		src, err := open(s)
		if err != nil {
			return nil, err
		}
		srcs[i] = src
	}
	if len(srcs) == 1 {
		return srcs[0], nil
	}
	if link {
		others, err := readAllOf(srcs[1:])
		if err != nil {
			return nil, err
		}
		l := &linkAll{first: srcs[0], others: others}
		for _, o := range others {
			l.maxOther = max(l.maxOther, len(o))
		}
		return l, nil
	}
	// Group each source with the :::+ sources linked to it.
	var groups [][]Source
	for i, s := range srcs {
		if i == 0 || !specs[i].Linked {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], s)
	}
	p := &product{first: groups[0]}
	for _, g := range groups[1:] {
		recs, err := readAllOf(g)
		if err != nil {
			return nil, err
		}
		n := len(recs[0])
		for _, r := range recs[1:] {
			n = min(n, len(r))
		}
		p.rest = append(p.rest, recs)
		p.lens = append(p.lens, n)
	}
	p.idx = make([]int, len(p.rest))
	return p, nil
}

// readAllOf reads every record of each source.
func readAllOf(srcs []Source) ([][]Record, error) {
	out := make([][]Record, len(srcs))
	for i, s := range srcs {
		for {
			rec, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], rec)
		}
	}
	return out, nil
}

// product yields the cartesian product of a streamed first group (zipped)
// and fully read later groups (each zipped, shortest wins).
type product struct {
	first []Source
	rest  [][][]Record // rest[g][s] = records of source s of group g
	lens  []int        // records per later group
	idx   []int        // odometer over the later groups
	cur   []Record     // current records of the first group
	have  bool         // cur holds a tuple not yet finished with
	parts []Record
	join  joiner
	err   error
}

// Next returns the next combination.
func (p *product) Next() (Record, error) {
	if p.err != nil {
		return Record{}, p.err
	}
	for _, n := range p.lens {
		if n == 0 {
			p.err = io.EOF
			return Record{}, io.EOF
		}
	}
	if !p.have {
		p.cur = p.cur[:0]
		for _, s := range p.first {
			rec, err := s.Next()
			if err != nil {
				p.err = err
				return Record{}, err
			}
			p.cur = append(p.cur, rec)
		}
		p.have = true
	}
	p.parts = append(p.parts[:0], p.cur...)
	for g, recs := range p.rest {
		for _, r := range recs {
			p.parts = append(p.parts, r[p.idx[g]])
		}
	}
	// Advance the odometer; the last group varies fastest.
	g := len(p.idx) - 1
	for ; g >= 0; g-- {
		p.idx[g]++
		if p.idx[g] < p.lens[g] {
			break
		}
		p.idx[g] = 0
	}
	if g < 0 {
		p.have = false
	}
	return p.join.join(p.parts), nil
}

// linkAll zips all sources (--link), shorter ones wrapping around. The first
// source is streamed; only as many of its records are kept as the longest
// other source has, since only then can it need to start over.
type linkAll struct {
	first     Source
	firstBuf  []Record
	firstDone bool
	n1        int // records in the first source, once firstDone
	others    [][]Record
	maxOther  int
	i         int
	parts     []Record
	join      joiner
	err       error
}

// Next returns the next zipped record.
func (l *linkAll) Next() (Record, error) {
	if l.err != nil {
		return Record{}, l.err
	}
	for _, o := range l.others {
		if len(o) == 0 {
			l.err = io.EOF
			return Record{}, io.EOF
		}
	}
	var r0 Record
	if !l.firstDone {
		rec, err := l.first.Next()
		switch {
		case err == io.EOF:
			l.firstDone, l.n1 = true, l.i
		case err != nil:
			l.err = err
			return Record{}, err
		default:
			if l.i < l.maxOther {
				l.firstBuf = append(l.firstBuf, rec)
			}
			r0 = rec
		}
	}
	if l.firstDone {
		if l.n1 == 0 || l.i >= max(l.n1, l.maxOther) {
			l.err = io.EOF
			return Record{}, io.EOF
		}
		r0 = l.firstBuf[l.i%l.n1]
	}
	l.parts = append(l.parts[:0], r0)
	for _, o := range l.others {
		l.parts = append(l.parts, o[l.i%len(o)])
	}
	l.i++
	return l.join.join(l.parts), nil
}

// joiner builds combined records and caches the combined Header, so all
// records share one *Header as they do from a single source.
type joiner struct {
	heads []*Header
	h     *Header
}

// join combines one record per source into one record.
func (j *joiner) join(parts []Record) Record {
	named := true
	size := len(parts) - 1
	nf := 0
	for _, p := range parts {
		size += len(p.Raw)
		if p.Header == nil {
			named = false
		}
		nf += max(len(p.Fields), 1)
	}
	var b strings.Builder
	b.Grow(size)
	out := Record{Line: parts[0].Line}
	if named {
		out.Header = j.header(parts)
		nf = len(out.Header.Names)
	}
	out.Fields = make([]string, 0, nf)
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Raw)
		if out.Err == nil {
			out.Err = p.Err
		}
		vals := p.Fields
		if vals == nil {
			vals = []string{p.Raw}
		}
		if named {
			n := len(p.Header.Names)
			if len(vals) > n {
				vals = vals[:n]
			}
			out.Fields = append(out.Fields, vals...)
			for k := len(vals); k < n; k++ {
				out.Fields = append(out.Fields, "")
			}
			continue
		}
		out.Fields = append(out.Fields, vals...)
	}
	out.Raw = b.String()
	return out
}

// header returns the concatenated Header of parts, rebuilt only when a
// source's Header changes (which a well-behaved source never does).
func (j *joiner) header(parts []Record) *Header {
	same := j.h != nil && len(j.heads) == len(parts)
	for i := 0; same && i < len(parts); i++ {
		same = j.heads[i] == parts[i].Header
	}
	if same {
		return j.h
	}
	j.heads = j.heads[:0]
	var names, raws []string
	for _, p := range parts {
		j.heads = append(j.heads, p.Header)
		names = append(names, p.Header.Names...)
		raws = append(raws, p.Header.Raw)
	}
	j.h = NewHeader(names)
	j.h.Raw = strings.Join(raws, " ") // as the records' Raw is joined
	return j.h
}
