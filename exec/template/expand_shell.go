package template

import (
	"bytes"
	"fmt"
	"strings"
)

// This file expands a Shell or Plain template: every value is appended as
// it is and then rewritten in place into the form its quoting context
// needs, so that the shell reads back exactly its bytes.

// groupReps is how many times a repeated group appears.
func (x *expander) groupReps() int {
	return x.nargs()
}

// appendText appends the expansion of a Shell or Plain template.
func (t *Template) appendText(dst []byte, x *expander) ([]byte, error) {
	var err error
	for gi := range t.groups {
		g := &t.groups[gi]
		if g.spread > 0 {
			if dst, err = x.appendSpreadGroup(dst, g); err != nil {
				return dst, err
			}
			continue
		}
		reps, rep := 1, -1
		if g.repeat {
			reps = x.groupReps()
		}
		for r := 0; r < reps; r++ {
			if g.repeat {
				rep = r
				if r > 0 {
					dst = append(dst, ' ')
				}
			}
			for pi := range g.pieces {
				if dst, err = x.appendPiece(dst, &g.pieces[pi], rep); err != nil {
					return dst, err
				}
			}
		}
	}
	return dst, nil
}

// appendPiece appends piece p expanded.
func (x *expander) appendPiece(dst []byte, p *tpiece, rep int) ([]byte, error) {
	switch {
	case p.appendArgs:
		return x.appendArgs(dst, p.bare)
	case p.ph == nil:
		return append(dst, p.lit...), nil
	}
	start := len(dst)
	dst, err := x.appendValue(dst, p.ph, rep)
	if err != nil {
		return dst[:start], err
	}
	return p.finish(dst, start)
}

// finish rewrites the value appended at dst[start:] for p's context.
func (p *tpiece) finish(dst []byte, start int) ([]byte, error) {
	var err error
	if p.here {
		if err := hereCheck(p, dst[start:]); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = p.rewrite(dst, start); err != nil {
		return dst[:start], err
	}
	if p.bq {
		dst = bqEscape(dst, start, p.bqDQ)
	}
	return dst, nil
}

// appendSpreadGroup appends spread word g once per element of its array,
// the copies separated by spaces: each a shell word of its own.
func (x *expander) appendSpreadGroup(dst []byte, g *tgroup) ([]byte, error) {
	sp := g.pieces[g.spread-1].ph
	elems, err := x.elements(sp)
	if err != nil {
		return dst, err
	}
	for k, e := range elems {
		if k > 0 {
			dst = append(dst, ' ')
		}
		for pi := range g.pieces {
			p := &g.pieces[pi]
			if pi != g.spread-1 {
				if dst, err = x.appendPiece(dst, p, -1); err != nil {
					return dst, err
				}
				continue
			}
			start := len(dst)
			dst = append(dst, elementText(sp, e)...)
			if dst, err = p.finish(dst, start); err != nil {
				return dst[:start], err
			}
		}
	}
	return dst, nil
}

// rewrite turns the value at dst[start:], appended as it is, into the
// form that yields exactly its bytes in p's quoting context.
func (p *tpiece) rewrite(dst []byte, start int) ([]byte, error) {
	v := dst[start:]
	if err := p.check(v); err != nil {
		return dst, err
	}
	switch p.ctx {
	case cCode:
		if p.bare && isBare(v) || p.emptyOK && len(v) == 0 {
			return dst, nil
		}
		return sqWord.apply(dst, start), nil
	case cSQ:
		return sqBody.apply(dst, start), nil
	case cANSI:
		// Bytes other than \ and ' are themselves in $'...' and in the
		// '...' that dash reads there: the value stays in place, exact
		// in every shell.
		if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '\'') < 0 {
			return dst, nil
		}
		if !p.ansiTail {
			return ansiPlain.apply(dst, start), nil
		}
		return ansiBody.apply(dst, start), nil
	case cDQ:
		return dqBody.apply(dst, start), nil
	case cParam:
		return paramWord.apply(dst, start), nil
	case cParamDQ:
		return paramDQWord.apply(dst, start), nil
	case cComment:
		// A newline would end the comment and run the rest as code.
		for i, c := range v {
			if c == '\n' {
				v[i] = ' '
			}
		}
	case cArith:
		// Quotes protect nothing in arithmetic (bash expands $(...) even
		// inside '...' there, and evaluates a[$(...)] subscripts), so only
		// a plain integer may go in.
		if !isInteger(v) {
			return dst, arithError(p.ph, v)
		}
	case cHereExp:
		return slashBody.apply(dst, start), nil
	}
	return dst, nil // cPlain, cHereLit: nothing is special there
}

// appendArgs appends the record as arguments to a template without
// replacement strings: each field (or record) a shell word of its own.
func (x *expander) appendArgs(dst []byte, bare bool) ([]byte, error) {
	if _, err := x.appendCount(); err != nil {
		return dst, err
	}
	for a := range x.args {
		dst = append(dst, ' ')
		if bare && isBare(a) {
			dst = append(dst, a...)
		} else {
			dst = appendSQ(dst, a)
		}
	}
	return dst, nil
}

// check refuses a value bash would evaluate: a non-integer in arithmetic,
// a non-name where bash reads a variable name.
func (p *tpiece) check(v []byte) error {
	switch {
	case p.arith && !isInteger(v):
		return arithError(p.ph, v)
	case p.name && !isInteger(v) && !isName(string(v)):
		return fmt.Errorf("%s: %q is not a variable name, which is all that can go where bash reads one safely", p.ph.text, string(v))
	}
	return nil
}

// arithError refuses value v in shell arithmetic.
func arithError[T text](p *placeholder, v T) error {
	return fmt.Errorf("%s: %q is not an integer, which is all that can go in shell arithmetic safely", p.text, string(v))
}

// hereCheck refuses a value that could end the here-document it is in:
// one with a newline, or holding the delimiter.
func hereCheck[T text](p *tpiece, v T) error {
	for i := 0; i < len(v); i++ {
		if v[i] == '\n' {
			return fmt.Errorf("%s: a value with a newline cannot go in a here-document", p.ph.text)
		}
	}
	if p.delim == "" && len(v) == 0 || p.delim != "" && strings.Contains(string(v), p.delim) {
		return fmt.Errorf("%s: the value could end the here-document (delimiter %q)", p.ph.text, p.delim)
	}
	return nil
}

// isInteger reports whether s is a decimal integer, with an optional '-'.
func isInteger[T text](s T) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
