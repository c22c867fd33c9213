package input

import "io"

// Record is one unit of input: what one job (or one argument of a -N/-X job)
// is made of.
type Record struct {
	// Seq is the 1-based position of the record among all records read.
	Seq int64
	// Line is the 1-based line (or record) number in the record's source,
	// used to name the record in error messages. For several sources it is
	// the first source's.
	Line int64
	// Raw is the record as read, without its delimiter. For several :::
	// sources it is the values joined by a space; for CSV it is the row as
	// read, quotes and all, without its line break.
	Raw string
	// Fields are the record's columns (--colsep, --csv, --tsv, JSON arrays,
	// one value per ::: source, or a split source's fields in its place);
	// nil when the record is not split.
	Fields []string
	// Header names Fields (--header); nil otherwise. It is shared by every
	// record of a source.
	Header *Header
	// JSON is the decoded JSON value for --json (map[string]any or []any,
	// numbers as json.Number); nil otherwise.
	JSON any
	// Err is non-nil for a malformed record (bad JSON, bad CSV quoting): the
	// job made of it fails with this error and the other records run.
	Err error
}

// Header holds the field names of a source read with --header.
type Header struct {
	// Names are the field names in column order.
	Names []string
	// Raw is the header record as read, so that --failed can write it back
	// before the failed records.
	Raw   string
	index map[string]int
}

// NewHeader returns a Header for names; a repeated name refers to its first column.
func NewHeader(names []string) *Header {
	h := &Header{Names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		if _, dup := h.index[n]; !dup {
			h.index[n] = i
		}
	}
	return h
}

// Index returns the 0-based column of name, or -1.
func (h *Header) Index(name string) int {
	if h == nil {
		return -1
	}
	if i, ok := h.index[name]; ok {
		return i
	}
	return -1
}

// Source yields records one at a time, in input order. Next returns io.EOF
// after the last record. An error other than io.EOF is fatal for the run
// (an unreadable file); a malformed record is returned as a Record with Err set.
type Source interface {
	Next() (Record, error)
}

var _ = io.EOF
