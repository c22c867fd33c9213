package input

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// readBufSize is the bufio buffer for record readers: large enough that
// ordinary lines never take the slow (accumulating) path, small enough to
// not matter next to a job's own memory.
const readBufSize = 64 << 10

// keepAccCap bounds the accumulation buffer kept between records: after one
// huge record the buffer is dropped rather than held for the rest of the run.
const keepAccCap = 1 << 20

// delimited reads records separated by a delimiter of one or more bytes.
type delimited struct {
	br    *bufio.Reader
	delim []byte
	last  byte // last byte of delim: what ReadSlice stops at
	crlf  bool // newline mode: a "\r\n" ending loses its "\r" too
	name  string
	line  int64
	acc   []byte // a record longer than the bufio buffer, or a multi-byte delimiter split across reads
	err   error  // sticky: io.EOF or the fatal read error
}

// NewDelimited returns a Source of the records in r separated by delim
// (default "\n" when empty). Records are handed out as read: NUL bytes and
// invalid UTF-8 pass through untouched, because pmap passes input to
// programs, which may well expect bytes.
//
// A final record without a delimiter is still a record, and a delimiter at
// the very end of the input adds no empty record (GNU parallel:
// `printf 'x,y,z,' | parallel -d ,` runs x, y, z). Empty input has no
// records. In newline mode (delim "\n") a "\r\n" line ending is accepted as
// well, so files written on Windows work; with any other delimiter the
// newline and "\r" are ordinary bytes. Records may be of any size; name (for
// example "stdin" or a file path) appears in read errors.
func NewDelimited(r io.Reader, delim string, name string) Source {
	return newDelimited(r, delim, name, readBufSize)
}

// newDelimited is NewDelimited with a chosen buffer size, so tests and
// fuzzing reach the slow path (records longer than the buffer) cheaply.
func newDelimited(r io.Reader, delim string, name string, size int) *delimited {
	if delim == "" {
		delim = "\n"
	}
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < size {
		br = bufio.NewReaderSize(r, size)
	}
	return &delimited{
		br:    br,
		delim: []byte(delim),
		last:  delim[len(delim)-1],
		crlf:  delim == "\n",
		name:  name,
	}
}

// Next returns the next record; io.EOF after the last one.
func (d *delimited) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	b, err := d.read()
	if err != nil {
		d.err = err
		return Record{}, err
	}
	d.line++
	rec := Record{Line: d.line, Raw: string(b)}
	if cap(d.acc) > keepAccCap {
		d.acc = nil
	}
	return rec, nil
}

// read returns the next record's bytes without the delimiter. The bytes are
// valid only until the next call.
func (d *delimited) read() ([]byte, error) {
	chunk, err := d.br.ReadSlice(d.last)
	if err == nil && bytes.HasSuffix(chunk, d.delim) {
		// Fast path: the whole record is in the bufio buffer.
		return d.trim(chunk), nil
	}
	d.acc = append(d.acc[:0], chunk...)
	for {
		switch err {
		case nil:
			if bytes.HasSuffix(d.acc, d.delim) {
				return d.trim(d.acc), nil
			}
		case bufio.ErrBufferFull:
			// The record goes on past the buffer: keep accumulating.
		case io.EOF:
			if len(d.acc) == 0 {
				return nil, io.EOF
			}
			return d.acc, nil // final record without a delimiter
		default:
			return nil, fmt.Errorf("read %s: %w", d.name, err)
		}
		chunk, err = d.br.ReadSlice(d.last)
		d.acc = append(d.acc, chunk...)
	}
}

// trim removes the delimiter (and, in newline mode, a "\r" before it).
func (d *delimited) trim(b []byte) []byte {
	b = b[:len(b)-len(d.delim)]
	if d.crlf && len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}
