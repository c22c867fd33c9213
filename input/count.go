package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// countChunk is how much of a file Count reads at a time.
const countChunk = 256 << 10

// Counter counts the records an input will yield without taking them from
// the run: it reads regular files on its own (stdin through ReadAt, which
// leaves the run's read offset alone) and counts ::: values directly, so a
// progress display can show a total while the run reads the same input
// lazily. An input that cannot be read twice (a pipe, a terminal, a FIFO)
// cannot be counted.
type Counter struct {
	b       *builder
	sources []countSource
}

// countSource is one source to count: values, or a regular file read from
// offset off (stdin may have been partly read before pmap started).
type countSource struct {
	spec  Spec
	stdin *os.File // for File "-"
	off   int64
}

// NewCounter prepares to count the records Open(cfg, stdin, specs) yields;
// it returns false when some source cannot be read without consuming it.
// It must be called before the run reads stdin, since it notes stdin's
// offset; Count may then run at any time, on its own goroutine.
func NewCounter(cfg Config, stdin io.Reader, specs []Spec) (*Counter, bool) {
	if cfg.check() != nil {
		return nil, false
	}
	b, err := newBuilder(cfg)
	if err != nil {
		return nil, false
	}
	all := make([]Spec, 0, len(cfg.ArgFiles)+len(specs))
	for _, f := range cfg.ArgFiles {
		all = append(all, Spec{File: f})
	}
	all = append(all, specs...)
	if len(all) == 0 {
		all = append(all, Spec{File: "-"})
	}
	c := &Counter{b: b}
	for _, s := range all {
		cs := countSource{spec: s}
		switch {
		case !s.isFile():
		case s.File == "-":
			f, ok := stdin.(*os.File)
			if !ok || !isRegular(f) {
				return nil, false
			}
			// Seeking by 0 from the current position only reads the offset.
			off, err := f.Seek(0, io.SeekCurrent)
			if err != nil {
				return nil, false
			}
			cs.stdin, cs.off = f, off
		default:
			// Stat, not open: opening a FIFO would block or steal its data.
			st, err := os.Stat(s.File)
			if err != nil || !st.Mode().IsRegular() {
				return nil, false
			}
		}
		c.sources = append(c.sources, cs)
	}
	return c, true
}

func isRegular(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}

// Count returns the number of records the input yields, combined as Open
// combines its sources (product, :::+ links, --link), after --header, -r
// and the blank lines --json skips. It reads each file to the end; ctx stops
// it early with ctx's error.
func (c *Counter) Count(ctx context.Context) (int64, error) {
	counts := make([]int64, len(c.sources))
	for i, s := range c.sources {
		n, err := c.countOne(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("count %s: %w", s.spec.name(), err)
		}
		counts[i] = n
	}
	return c.combine(counts), nil
}

// combine does Combine's arithmetic on the sources' record counts.
func (c *Counter) combine(counts []int64) int64 {
	if len(counts) == 1 {
		return counts[0]
	}
	if c.b.cfg.Link {
		// The longest decides; an empty source empties the whole.
		var longest int64
		for _, n := range counts {
			if n == 0 {
				return 0
			}
			longest = max(longest, n)
		}
		return longest
	}
	total := int64(1)
	group := int64(-1)
	for i, n := range counts {
		if i > 0 && !c.sources[i].spec.Linked {
			total *= group
			group = -1
		}
		if group < 0 || n < group {
			group = n // linked sources: the shortest wins
		}
	}
	return total * group
}

// countOne counts the records of one source.
func (c *Counter) countOne(ctx context.Context, s countSource) (int64, error) {
	if !s.spec.isFile() {
		return c.countRecords(c.filter(NewValues(s.spec.Values)))
	}
	f := s.stdin
	if f == nil {
		var err error
		if f, err = os.Open(s.spec.File); err != nil {
			return 0, err
		}
		defer f.Close()
		if !isRegular(f) {
			return 0, errors.New("not a regular file")
		}
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	r := &ctxReader{ctx: ctx, r: io.NewSectionReader(f, s.off, max(st.Size()-s.off, 0))}
	cfg := c.b.cfg
	csvRows := cfg.CSV && c.b.delim == "\n"
	if len(c.b.delim) == 1 && !csvRows && !cfg.JSON && !cfg.SkipEmpty {
		n, err := countDelimited(r, c.b.delim[0])
		return c.afterHeader(n), err
	}
	var src Source
	if csvRows {
		src = NewCSV(r, s.spec.name(), c.b.comma)
	} else {
		src = NewDelimited(r, c.b.delim, s.spec.name())
	}
	return c.countRecords(c.filter(src))
}

// filter drops what the run drops: blank lines of --json, blank records of
// -r. Fields are not split: they do not change the number of records.
func (c *Counter) filter(src Source) Source {
	if c.b.cfg.JSON {
		src = skipBlankJSON{src}
	}
	if c.b.cfg.SkipEmpty {
		src = SkipEmpty(src)
	}
	return src
}

// countRecords counts src's records, less the header.
func (c *Counter) countRecords(src Source) (int64, error) {
	var n int64
	for {
		_, err := src.Next()
		if errors.Is(err, io.EOF) {
			return c.afterHeader(n), nil
		}
		if err != nil {
			return 0, err
		}
		n++
	}
}

// afterHeader is n records less the one --header takes.
func (c *Counter) afterHeader(n int64) int64 {
	if c.b.cfg.Header && n > 0 {
		return n - 1
	}
	return n
}

// countDelimited counts records ended by delim as NewDelimited cuts them: a
// final record without the delimiter counts, a final delimiter adds none.
func countDelimited(r io.Reader, delim byte) (int64, error) {
	buf := make([]byte, countChunk)
	var n int64
	last, seen := delim, false
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{delim}))
			last, seen = buf[k-1], true
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if seen && last != delim {
		n++
	}
	return n, nil
}

// skipBlankJSON drops the blank lines NewJSON skips, without decoding.
type skipBlankJSON struct{ src Source }

func (s skipBlankJSON) Next() (Record, error) {
	for {
		rec, err := s.src.Next()
		if err != nil || rec.Err != nil || strings.TrimLeft(rec.Raw, jsonSpace) != "" {
			return rec, err
		}
	}
}

// ctxReader stops reading once ctx is done, so that a count of a huge file
// ends with the run.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
