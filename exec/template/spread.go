package template

import (
	"fmt"

	"github.com/pmap-dev/pmap/input"
)

// This file expands {name[]}: a JSON array field spread into one word per
// element. The word that holds it is repeated once per element, as -X
// repeats a word per record, and an empty array leaves no word at all.
// Each copy is still exactly one argv word (Exec) or one quoted shell word
// (Shell): an element is a value, never code.

// spreadError is a {name[]} whose field holds something other than an
// array: the job fails (status error) rather than guessing a split.
type spreadError struct {
	text string // the replacement string as written
	name string
	got  string // what the field holds instead
}

func (e *spreadError) Error() string {
	return fmt.Sprintf("%s: field %q is %s, not a JSON array", e.text, e.name, e.got)
}

// elements returns the elements spread placeholder p stands for: those of
// the array at p.name in the job's record, or in each of its records in
// order with -N/-X. A single record's array is returned as it is.
func (x *expander) elements(p *placeholder) ([]any, error) {
	recs := x.d.Records
	if len(recs) == 0 {
		return nil, &fieldError{name: p.name}
	}
	if !x.d.Multi {
		return arrayAt(&recs[0], p)
	}
	var all []any
	for i := range recs {
		a, err := arrayAt(&recs[i], p)
		if err != nil {
			return nil, err
		}
		all = append(all, a...)
	}
	return all, nil
}

// arrayAt looks p's array up in r.
func arrayAt(r *input.Record, p *placeholder) ([]any, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	if r.JSON == nil {
		if r.Header.Index(p.name) >= 0 {
			return nil, &spreadError{text: p.text, name: p.name, got: "a column of text"}
		}
		return nil, &fieldError{name: p.name}
	}
	v, ok := input.LookupValue(r.JSON, p.name)
	if !ok {
		return nil, &fieldError{name: p.name}
	}
	a, isArray := v.([]any)
	if !isArray {
		return nil, &spreadError{text: p.text, name: p.name, got: jsonKind(v)}
	}
	return a, nil
}

// jsonKind names the kind of a decoded JSON value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	}
	return "a number"
}

// elementText is an element as an argument: a string as its text, a
// number or boolean as written, an object or array as compact JSON, and
// p's modifier applied to it.
func elementText(p *placeholder, v any) string {
	return applyMod(input.Render(v), p.mod)
}

// spreadPiece is the placeholder of w's {name[]}.
func (w *eword) spreadPiece() *placeholder { return w.pieces[w.spread-1].ph }

// appendSpreadWord appends copy elem of spread word w: the element in
// place of {name[]}, the other pieces as in any word.
func (x *expander) appendSpreadWord(dst []byte, w *eword, elem string) ([]byte, error) {
	for i := range w.pieces {
		p := &w.pieces[i]
		var err error
		switch {
		case i == w.spread-1:
			dst = append(dst, elem...)
		case p.ph == nil:
			dst = append(dst, p.lit...)
		default:
			dst, err = x.appendValue(dst, p.ph, -1)
		}
		if err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendSpreadString appends spread word w's copies as shell words, as
// appendExecString does for other words; first says whether none was
// appended before, and is returned updated.
func (x *expander) appendSpreadString(dst []byte, w *eword, first bool) ([]byte, bool, error) {
	elems, err := x.elements(w.spreadPiece())
	if err != nil {
		return dst, first, err
	}
	for _, e := range elems {
		if !first {
			dst = append(dst, ' ')
		}
		start := len(dst)
		if dst, err = x.appendSpreadWord(dst, w, elementText(w.spreadPiece(), e)); err != nil {
			return dst, first, err
		}
		if !argSafe(dst[start:], first) {
			dst = sqWord.apply(dst, start)
		}
		first = false
	}
	return dst, first, nil
}
