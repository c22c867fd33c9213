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
	enc  csvEncoder
	prev int64 // input offset where the next row starts
	err  error // sticky: io.EOF or a fatal read error
}

// NewCSV returns a Source of the CSV rows in r (--csv): quoted fields,
// embedded newlines and "" escapes as in RFC 4180, any number of fields per
// row, comma as the field separator (',' unless --colsep names another
// character). Fields are the row's fields; Raw is the fields re-encoded as
// one CSV record without the final newline, so a row re-read from Raw gives
// the same fields; Line is the line the row starts on. A UTF-8 byte order
// mark at the start of the input is dropped (spreadsheets write one, and it
// would otherwise end up in the first field or header name).
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
	return &csvSource{name: name, rec: rec, cr: cr, enc: newCSVEncoder(comma)}
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
	if start == 0 && len(fields) > 0 {
		fields[0] = strings.TrimPrefix(fields[0], "\ufeff")
	}
	return Record{Line: int64(line), Raw: c.enc.encode(fields), Fields: fields}, nil
}

// csvReason describes a parse error without encoding/csv's own line
// numbers, which RecordError already gives.
func csvReason(pe *csv.ParseError) error {
	if pe.Line != pe.StartLine {
		return fmt.Errorf("%w: %w (line %d, column %d)", ErrInvalidCSV, pe.Err, pe.Line, pe.Column)
	}
	return fmt.Errorf("%w: %w (column %d)", ErrInvalidCSV, pe.Err, pe.Column)
}

// trimNewline removes one trailing "\n" or "\r\n".
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

// csvEncoder re-encodes fields as one CSV record, reusing its buffer so a
// row costs one string allocation.
type csvEncoder struct {
	buf *bytes.Buffer
	w   *csv.Writer
}

func newCSVEncoder(comma rune) csvEncoder {
	buf := new(bytes.Buffer)
	w := csv.NewWriter(buf)
	w.Comma = comma
	return csvEncoder{buf: buf, w: w}
}

// encode returns fields as CSV without the final newline.
func (e csvEncoder) encode(fields []string) string {
	if len(fields) == 1 && fields[0] == "" {
		// csv.Writer writes an empty line, which reads back as no row.
		return `""`
	}
	e.buf.Reset()
	_ = e.w.Write(fields) // writes to a bytes.Buffer cannot fail
	e.w.Flush()
	return string(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
}

// csvFields parses each record of src as one CSV row.
type csvFields struct {
	src   Source
	name  string
	comma rune
	enc   csvEncoder
}

// NewCSVFields returns src with each record parsed as one CSV row: --csv
// for records that are already cut apart, by -d/-0 or as ::: values. Quoted
// fields may contain newlines. Raw becomes the fields re-encoded, as with
// NewCSV; a record that is not exactly one well-formed row gets Err (and
// keeps its Raw as read). An empty record is one empty field.
func NewCSVFields(src Source, name string, comma rune) Source {
	return &csvFields{src: src, name: name, comma: comma, enc: newCSVEncoder(comma)}
}

// Next returns the next record with its Fields parsed.
func (c *csvFields) Next() (Record, error) {
	rec, err := c.src.Next()
	if err != nil || rec.Err != nil {
		return rec, err
	}
	cr := csv.NewReader(strings.NewReader(rec.Raw))
	cr.Comma = c.comma
	cr.FieldsPerRecord = -1
	fields, perr := cr.Read()
	switch {
	case perr == io.EOF:
		fields = []string{""} // nothing but blank lines
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
	rec.Raw = c.enc.encode(fields)
	return rec, nil
}
