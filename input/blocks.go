package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// DefaultBlockSize is --block's default: GNU parallel's 1 MiB.
const DefaultBlockSize = 1 << 20

// blockRead is the least room Blocks asks a Read to fill: enough that a
// pipe's worth of data (64 KiB on Linux) arrives in one call.
const blockRead = 64 << 10

// BlockOptions say how Blocks cuts its input.
type BlockOptions struct {
	// Size is the block size in bytes (--block; DefaultBlockSize when 0).
	// A block is the longest run of whole records that fits in Size, or
	// one record (or one group of Lines records) when that alone is longer.
	Size int
	// Delimiter ends each record: "\n" (also when it and RecStart are
	// empty), "\x00" for -0, the bytes of -d or of --recend.
	Delimiter string
	// RecStart begins each record (--recstart): a boundary is where
	// Delimiter is followed by RecStart, and lies between the two.
	RecStart string
	// Regexp makes Delimiter and RecStart regular expressions (--regexp),
	// checked first with CompileRecordRegexp.
	Regexp bool
	// Header, when not nil, matches the header at the start of the input
	// (PipeHeader): it is taken off and put in front of every block.
	Header *regexp.Regexp
	// Records, when above 0, cuts blocks of exactly that many records (or
	// groups of Lines records; the last block may have fewer) instead of by
	// Size (-N).
	Records int
	// Lines is how many delimited records make one record that is never
	// split across blocks (-L: 4 for FASTQ); 0 or 1 means each is its own.
	Lines int
	// Name names the input in read errors ("stdin").
	Name string
}

// Blocks cuts a stream into blocks of whole records for --pipe. It reads
// lazily: it holds only the input it has read past the last block it handed
// out, never more than a block and one read (or one record longer than a
// block). Records keep their delimiters and every byte passes through as
// read, so the blocks joined are exactly the input.
type Blocks struct {
	r       io.Reader
	split   recordSplitter
	size    int
	records int // delimiters per block with -N (Records * Lines); 0 without
	lines   int // delimiters per unbreakable record
	name    string

	buf  []byte // buf[head:tail] is read but not yet in a block
	keep int    // the buffer size to come back to after a long record
	head int
	tail int
	eof  bool
	err  error // sticky: the read error that ended the input

	headerRE   *regexp.Regexp
	headerRead bool
	header     []byte // put in front of every block
}

// NewBlocks returns the blocks of r cut as opt says.
func NewBlocks(r io.Reader, opt BlockOptions) *Blocks {
	b := &Blocks{r: r, split: newRecordSplitter(opt), size: opt.Size, lines: opt.Lines, name: opt.Name, headerRE: opt.Header}
	if b.size <= 0 {
		b.size = DefaultBlockSize
	}
	if b.lines < 1 {
		b.lines = 1
	}
	if opt.Records > 0 {
		b.records = opt.Records * b.lines
	}
	if b.name == "" {
		b.name = "input"
	}
	b.keep = b.size + blockRead
	return b
}

// Next returns the next block, a new slice the caller owns, or io.EOF after
// the last one. Empty input has no blocks; the final record needs no
// delimiter.
func (b *Blocks) Next() ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.headerRE != nil && !b.headerRead {
		if err := b.readHeader(); err != nil {
			return nil, err
		}
	}
	if b.split.re != nil && b.records == 0 && b.lines == 1 {
		return b.nextBySize()
	}
	// pos: how far the window has been searched for delimiters; found:
	// delimiters found before pos; last: where the last whole record that
	// fits in the block ends (0: none yet).
	pos, found, last := 0, 0, 0
	if b.records == 0 && b.lines == 1 && b.split.width == 1 && len(b.split.end) == 1 {
		// Fast path for lines and -0 cut by size: no need to visit every
		// record, the last delimiter within the size is the cut.
		// One byte past the size tells whether the input ends there.
		for b.tail-b.head <= b.size && !b.eof {
			if err := b.fill(); err != nil {
				return nil, err
			}
		}
		win := b.buf[b.head:b.tail]
		if b.eof && len(win) <= b.size {
			return b.cut(len(win)) // the rest of the input fits
		}
		if i := bytes.LastIndexByte(win[:b.size], b.split.sep[0]); i >= 0 {
			return b.cut(i + 1)
		}
		pos = b.size // one record longer than a block: find its end
	}
	for {
		win := b.buf[b.head:b.tail]
		for {
			end, sepEnd, next, ok := b.split.find(win, pos)
			pos = next
			if !ok {
				break
			}
			found++
			if found%b.lines != 0 {
				continue
			}
			if b.records > 0 {
				if found == b.records {
					return b.cut(end)
				}
				continue
			}
			if sepEnd <= b.size {
				last = end
				if sepEnd == b.size {
					return b.cut(end)
				}
				continue
			}
			if last > 0 {
				return b.cut(last)
			}
			return b.cut(end) // one record longer than a block is a block
		}
		if b.eof && (b.records > 0 || len(win) <= b.size) {
			// The end of the input ends the last record (and group).
			return b.cut(len(win))
		}
		if b.records == 0 && last > 0 && len(win) > b.size {
			// Every delimiter within the size has been seen: the record
			// after last goes on past the block.
			return b.cut(last)
		}
		if b.eof {
			return b.cut(len(win)) // one record longer than a block, unended
		}
		if err := b.fill(); err != nil {
			return nil, err
		}
	}
}

// nextBySize cuts the next block by size as GNU parallel does with
// --regexp: at the last boundary within a window of the block size, so that
// an expression sees what GNU's sees; a record longer than a block is a
// block of its own.
func (b *Blocks) nextBySize() ([]byte, error) {
	for b.tail-b.head <= b.size && !b.eof {
		if err := b.fill(); err != nil {
			return nil, err
		}
	}
	win := b.buf[b.head:b.tail]
	if b.eof && len(win) <= b.size {
		return b.cut(len(win))
	}
	if at := b.split.lastIn(win[:b.size]); at > 0 {
		return b.cut(at)
	}
	for {
		win = b.buf[b.head:b.tail]
		if at, _, _, ok := b.split.find(win, 0); ok {
			return b.cut(at)
		}
		if b.eof {
			return b.cut(len(win))
		}
		if err := b.fill(); err != nil {
			return nil, err
		}
	}
}

// cut hands out the first n bytes of the window as a block of its own,
// after the header.
func (b *Blocks) cut(n int) ([]byte, error) {
	if n == 0 {
		b.err = io.EOF
		return nil, io.EOF
	}
	block := make([]byte, len(b.header)+n)
	copy(block[copy(block, b.header):], b.buf[b.head:b.head+n])
	b.head += n
	if b.head == b.tail {
		b.head, b.tail = 0, 0
	}
	if b.records > 0 {
		// -N blocks are as large as their records: expect the next one to
		// be as large as this one.
		b.keep = max(b.keep, n+blockRead)
	}
	if len(b.buf) > 2*b.keep && b.tail-b.head <= b.keep {
		// A long record grew the buffer: do not hold on to it.
		buf := make([]byte, b.keep)
		b.tail = copy(buf, b.buf[b.head:b.tail])
		b.buf, b.head = buf, 0
	}
	return block, nil
}

// fill reads once more into the buffer, making room first: it moves the
// unread window to the front, and grows the buffer when that is not enough.
func (b *Blocks) fill() error {
	if b.buf == nil {
		// Grow the buffer as needed rather than allocate a --block 1G at once.
		b.buf = make([]byte, min(b.keep, DefaultBlockSize+blockRead))
	}
	if len(b.buf)-b.tail < blockRead {
		if b.head > 0 {
			b.tail = copy(b.buf, b.buf[b.head:b.tail])
			b.head = 0
		}
		if len(b.buf)-b.tail < blockRead {
			buf := make([]byte, 2*len(b.buf))
			copy(buf, b.buf[:b.tail])
			b.buf = buf
		}
	}
	n, err := b.r.Read(b.buf[b.tail:])
	b.tail += n
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		b.eof = true
	default:
		b.err = fmt.Errorf("read %s: %w", b.name, err)
		return b.err
	}
	return nil
}
