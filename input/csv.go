package input

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvSource streams RFC 4180 rows from a reader.
type csvSource struct {
	name string
	rec  *recorder
	cr   *csv.Reader
	prev int64 // input offset where the next row starts
	err  error // sticky: io.EOF or a fatal read error
}

// NewCSV returns a Source of the CSV rows in r (--csv): quoted fields,
// embedded newlines and "" escapes as in RFC 4180, any number of fields per
// row, comma as the field separator (',' unless --colsep names another
// character). Fields are the row's fields; Raw is the row's bytes as read,
// without the line break that ends it (and the blank lines before it),
// so that Raw followed by LineEnd(Raw) re-reads as the same fields, which
// is what --failed writes; Line is the line the row starts on. A UTF-8
// byte order mark at the start of the input is dropped from Raw and the
// first field (spreadsheets write one, and it would otherwise end up in
// the first field or header name).
//
// A malformed row (a bare or unbalanced quote) does not stop the run: it
// becomes a Record with Err naming the line and Raw holding the row's text as
// read, and reading goes on with the next row. An unclosed quote runs to the
// end of the input, as in every CSV reader, so it swallows the rest of the
// input into that one failed record.
func NewCSV(r io.Reader, name string, comma rune) Source {
	rec := &recorder{r: r}
	cr := csv.NewReader(rec)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	return &csvSource{name: name, rec: rec, cr: cr}
}

// Next returns the next row; io.EOF after the last one.
func (c *csvSource) Next() (Record, error) {
	if c.err != nil {
		return Record{}, c.err
	}
	fields, err := c.cr.Read()
	start := c.prev
	c.prev = c.cr.InputOffset()
	raw := c.rec.span(start, c.prev)
	c.rec.drop(c.prev)
	var pe *csv.ParseError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		return Record{
			Line: int64(pe.StartLine),
			Raw:  string(trimNewline(raw)),
			Err:  &RecordError{Source: c.name, Line: int64(pe.StartLine), Err: csvReason(pe)},
		}, nil
	case err == io.EOF:
		c.err = io.EOF
		return Record{}, io.EOF
	default:
		c.err = fmt.Errorf("read %s: %w", c.name, err)
		return Record{}, c.err
	}
	line, _ := c.cr.FieldPos(0)
	if start == 0 && bytes.HasPrefix(raw, bom) {
		raw = raw[len(bom):]
		fields[0] = strings.TrimPrefix(fields[0], string(bom))
	}
	return Record{Line: int64(line), Raw: rowText(raw), Fields: fields}, nil
}

// bom is the UTF-8 byte order mark.
var bom = []byte("\ufeff")

// rowText is the Raw of a row whose bytes as read are raw: less the blank
// lines encoding/csv skipped before it and its line break. A row of one
// empty field that is nothing once these are gone (a line that held only
// a byte order mark) is `""`, which re-reads as that row rather than as
// a blank line.
func rowText(raw []byte) string {
	for {
		if r, ok := bytes.CutPrefix(raw, []byte("\n")); ok {
			raw = r
		} else if r, ok := bytes.CutPrefix(raw, []byte("\r\n")); ok {
			raw = r
		} else {
			break
		}
	}
	raw = trimNewline(raw)
	if len(raw) == 0 {
		return `""`
	}
	return string(raw)
}

// LineEnd is the line break that ends raw in a newline-separated file so
// that it reads back as raw: "\r\n" when raw ends in a carriage return
// (line and CSV readers take one CR before a newline as part of the line
// break), "\n" otherwise.
func LineEnd(raw string) string {
	if strings.HasSuffix(raw, "\r") {
		return "\r\n"
	}
	return "\n"
}

// csvReason describes a parse error without encoding/csv's own line
// numbers, which RecordError already gives.
func csvReason(pe *csv.ParseError) error {
	if pe.Line != pe.StartLine {
		return fmt.Errorf("%w: %w (line %d, column %d)", ErrInvalidCSV, pe.Err, pe.Line, pe.Column)
	}
	return fmt.Errorf("%w: %w (column %d)", ErrInvalidCSV, pe.Err, pe.Column)
}

// trimNewline removes one trailing "\n", "\r\n" or "\r" (encoding/csv
// drops a CR that ends the input).
func trimNewline(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// recorder keeps the bytes that encoding/csv has read but not yet consumed
// as rows, so the text of a malformed row can be handed back as its Raw.
// Memory is bounded by csv's read-ahead plus the current row.
type recorder struct {
	r    io.Reader
	buf  []byte
	off  int   // buf[off:] is live
	base int64 // input offset of buf[off]
}

// Read reads from the underlying reader and keeps a copy.
func (c *recorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.off > 0 && c.off >= len(c.buf)/2 {
		// Compact: the dead half is at least as large as what is moved.
		c.buf = c.buf[:copy(c.buf, c.buf[c.off:])]
		c.off = 0
	}
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// span returns the kept bytes from input offset from to input offset to.
func (c *recorder) span(from, to int64) []byte {
	lo, hi := c.off+int(from-c.base), c.off+int(to-c.base)
	if lo < c.off || hi > len(c.buf) || lo > hi {
		return nil // cannot happen while offsets come from csv.Reader
	}
	return c.buf[lo:hi]
}

// drop forgets the bytes before input offset to.
func (c *recorder) drop(to int64) {
	n := int(to - c.base)
	if n <= 0 {
		return
	}
	if n > len(c.buf)-c.off {
		n = len(c.buf) - c.off
	}
	c.off += n
	c.base += int64(n)
}

// csvFields parses each record of src as one CSV row.
type csvFields struct {
	src   Source
	name  string
	comma rune
}

// NewCSVFields returns src with each record parsed as one CSV row: --csv
// for records that are already cut apart, by -d/-0 or as ::: values. Quoted
// fields may contain newlines. Raw stays the record as read, and is parsed
// as the line Raw+LineEnd(Raw), so that a record and the same bytes in a
// CSV file (--failed) give the same fields; a record that is not exactly
// one well-formed row gets Err. An empty (or blank) record is one empty
// field, and its Raw is `""`, which is that row in a file.
func NewCSVFields(src Source, name string, comma rune) Source {
	return &csvFields{src: src, name: name, comma: comma}
}

// Next returns the next record with its Fields parsed.
func (c *csvFields) Next() (Record, error) {
	rec, err := c.src.Next()
	if err != nil || rec.Err != nil {
		return rec, err
	}
	cr := csv.NewReader(strings.NewReader(rec.Raw + LineEnd(rec.Raw)))
	cr.Comma = c.comma
	cr.FieldsPerRecord = -1
	fields, perr := cr.Read()
	switch {
	case perr == io.EOF:
		// Nothing but blank lines: one empty field, which a file holds as
		// `""`.
		fields = []string{""}
		rec.Raw = `""`
	case perr != nil:
		var pe *csv.ParseError
		if errors.As(perr, &pe) {
			perr = csvReason(pe)
		}
		rec.Err = &RecordError{Source: c.name, Line: rec.Line, Err: perr}
		return rec, nil
	default:
		if _, more := cr.Read(); more != io.EOF {
			rec.Err = &RecordError{Source: c.name, Line: rec.Line,
				Err: fmt.Errorf("%w: more than one row in one record", ErrInvalidCSV)}
			return rec, nil
		}
	}
	rec.Fields = fields
	return rec, nil
}
