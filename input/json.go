package input

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jsonSource decodes each record of src as one JSON Lines value.
type jsonSource struct {
	src  Source
	name string
}

// NewJSON returns src with each record decoded as JSON (--json, JSON
// Lines). An object becomes JSON (map[string]any) with Fields nil, for {name}
// and {a.b}; an array becomes JSON ([]any) with Fields holding its items
// rendered as Lookup renders them, for {1}..{n}. Numbers are json.Number, so
// they come out exactly as written (no 1e+06 for 1000000). Blank lines are
// skipped, as JSON Lines producers often end with one.
//
// A line that is not one JSON object or array (a syntax error, trailing
// data, a bare scalar, invalid UTF-8) never stops the run: it becomes a
// Record with Raw the line as read and Err like "stdin line 42: invalid
// JSON: ...", so that job fails with a clear reason and the others run.
// Invalid UTF-8 is refused rather than decoded, because encoding/json would
// silently turn it into U+FFFD and hand the command different bytes.
func NewJSON(src Source, name string) Source {
	return &jsonSource{src: src, name: name}
}

// Next returns the next non-blank record, decoded.
func (j *jsonSource) Next() (Record, error) {
	for {
		rec, err := j.src.Next()
		if err != nil || rec.Err != nil {
			return rec, err
		}
		if strings.TrimLeft(rec.Raw, jsonSpace) == "" {
			continue
		}
		v, perr := decodeJSONLine(rec.Raw)
		if perr != nil {
			rec.Err = &RecordError{Source: j.name, Line: rec.Line, Err: perr}
			return rec, nil
		}
		rec.JSON = v
		if arr, ok := v.([]any); ok {
			rec.Fields = make([]string, len(arr))
			for i, item := range arr {
				rec.Fields[i] = render(item)
			}
		}
		return rec, nil
	}
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// decodeJSONLine decodes s, which must hold exactly one object or array.
func decodeJSONLine(s string) (any, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("%w: invalid UTF-8", ErrInvalidJSON)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%w: %w (at byte %d)", ErrInvalidJSON, err, se.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%w: unexpected end of line", ErrInvalidJSON)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	off := dec.InputOffset()
	if rest := strings.TrimLeft(s[off:], jsonSpace); rest != "" {
		return nil, fmt.Errorf("%w: unexpected data after the value (at byte %d)", ErrInvalidJSON, int64(len(s)-len(rest))+1)
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, nil
	}
	return nil, fmt.Errorf("%w: a line must be an object or an array, not %s", ErrInvalidJSON, jsonKind(v))
}

// jsonKind names the kind of a decoded scalar for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
