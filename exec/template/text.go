package template

import (
	"fmt"
	"strings"
)

// compileShell reads s as shell code and returns its pieces grouped for
// expansion.
func compileShell(s string, br *braces, contextReplace bool, noAppend bool) ([]tgroup, error) {
	x := newShellScanner(s, br, contextReplace)
	if err := x.run(); err != nil {
		return nil, err
	}
	if x.tokens == 0 {
		return nil, &compileError{msg: "empty command"}
	}
	pieces := x.pieces
	if !br.any && !noAppend {
		ap := tpiece{appendArgs: true, ctx: cCode, bare: !x.appendCmd}
		pieces = append(pieces[:x.appendAt:x.appendAt], append([]tpiece{ap}, pieces[x.appendAt:]...)...)
	}
	return group(pieces, x.repeats), nil
}

// compilePlain finds the replacement strings of a Plain template; the rest
// is literal text.
func compilePlain(s string, br *braces) ([]tgroup, error) {
	var pieces []tpiece
	var lit []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c != '{' && c != '}' {
			lit = append(lit, c)
			i++
			continue
		}
		k, n, p, err := br.match(i, false)
		if err != nil {
			return nil, err
		}
		switch k {
		case bracePH:
			if len(lit) > 0 {
				pieces = append(pieces, tpiece{lit: string(lit)})
				lit = lit[:0]
			}
			pieces = append(pieces, tpiece{ph: p, ctx: cPlain})
		case braceOpen:
			lit = append(lit, '{')
		case braceClose:
			lit = append(lit, '}')
		default:
			lit = append(lit, c)
		}
		i += n
	}
	if len(lit) > 0 {
		pieces = append(pieces, tpiece{lit: string(lit)})
	}
	return group(pieces, nil), nil
}

// group cuts pieces into groups (the repeated ranges and what lies
// between) and merges adjacent literals.
func group(pieces []tpiece, repeats [][2]int) []tgroup {
	var gs []tgroup
	add := func(ps []tpiece, repeat bool) {
		if len(ps) == 0 {
			return
		}
		var out []tpiece
		for _, p := range ps {
			if p.ph == nil && !p.appendArgs && len(out) > 0 {
				if last := &out[len(out)-1]; last.ph == nil && !last.appendArgs {
					last.lit += p.lit
					continue
				}
			}
			if p.ph == nil && !p.appendArgs && p.lit == "" {
				continue
			}
			out = append(out, p)
		}
		gs = append(gs, tgroup{pieces: out, repeat: repeat})
	}
	at := 0
	for _, r := range repeats {
		add(pieces[at:r[0]], false)
		add(pieces[r[0]:r[1]], true)
		at = r[1]
	}
	add(pieces[at:], false)
	return gs
}

// groupReps is how many times a repeated group appears.
func (x *expander) groupReps() int {
	if !x.d.Multi {
		return min(1, len(x.d.Records))
	}
	return len(x.d.Records)
}

// textLen is the length of the expansion of a Shell or Plain template, or
// an upper bound when backquotes add escapes.
func (t *Template) textLen(x *expander) (int, error) {
	n := 0
	for gi := range t.groups {
		g := &t.groups[gi]
		reps, rep := 1, -1
		if g.repeat {
			reps = x.groupReps()
		}
		for r := 0; r < reps; r++ {
			if g.repeat {
				rep = r
				if r > 0 {
					n++
				}
			}
			for pi := range g.pieces {
				m, err := x.pieceLen(&g.pieces[pi], rep)
				if err != nil {
					return 0, err
				}
				n += m
			}
		}
	}
	return n, nil
}

// appendText appends the expansion of a Shell or Plain template.
func (t *Template) appendText(dst []byte, x *expander) ([]byte, error) {
	var err error
	for gi := range t.groups {
		g := &t.groups[gi]
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

// vstats measures a value for its quoted form.
type vstats struct {
	n      int  // bytes
	quotes int  // single quotes
	dq     int  // bytes escaped inside double quotes: \ $ ` "
	bare   bool // non-empty and made only of bareTable bytes
}

func (st *vstats) add(s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			st.quotes++
		case '\\', '$', '`', '"':
			st.dq++
		}
		if !bareTable[s[i]] {
			st.bare = false
		}
	}
	st.n += len(s)
}

// stats measures p's value (its parts joined by spaces).
func (x *expander) stats(p *placeholder, rep int) (vstats, error) {
	st := vstats{bare: true}
	parts := x.count(p, rep)
	for k := 0; k < parts; k++ {
		if k > 0 {
			st.add(" ")
		}
		v, err := x.part(p, rep, k)
		if err != nil {
			return st, err
		}
		st.add(v)
	}
	if st.n == 0 {
		st.bare = false
	}
	return st, nil
}

// joined returns p's value as one string; it allocates only for several parts.
func (x *expander) joined(p *placeholder, rep int) (string, error) {
	parts := x.count(p, rep)
	if parts == 1 {
		v, err := x.part(p, rep, 0)
		if err != nil {
			return "", err
		}
		if p.kind == kSeq || p.kind == kSlot {
			v = strings.Clone(v) // x.num is reused
		}
		return v, nil
	}
	var b strings.Builder
	for k := 0; k < parts; k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		v, err := x.part(p, rep, k)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// formLen is the length of a value with stats st in context c.
func formLen(c ctx, bare, emptyOK bool, st vstats) int {
	switch c {
	case cCode:
		if bare && st.bare || emptyOK && st.n == 0 {
			return st.n
		}
		return st.n + 2 + 3*st.quotes
	case cSQ:
		return st.n + 3*st.quotes
	case cANSI:
		return st.n + 3*st.quotes + 5
	case cDQ:
		return st.n + st.dq
	case cParam:
		return st.n + st.dq + 2
	}
	return st.n
}

// pieceLen is the length of piece p expanded (an upper bound inside
// backquotes).
func (x *expander) pieceLen(p *tpiece, rep int) (int, error) {
	if p.appendArgs {
		args, err := x.appendCount()
		if err != nil {
			return 0, err
		}
		n := 0
		for k := 0; k < args; k++ {
			st := vstats{bare: true}
			st.add(x.appendArg(k))
			if st.n == 0 {
				st.bare = false
			}
			n += 1 + formLen(cCode, p.bare, false, st)
		}
		return n, nil
	}
	if p.ph == nil {
		return len(p.lit), nil
	}
	var n int
	switch p.ctx {
	case cArith, cHereExp, cHereLit:
		v, err := x.joined(p.ph, rep)
		if err != nil {
			return 0, err
		}
		n = len(v) + 2 + 3*strings.Count(v, "'") + strings.Count(v, `\`) + strings.Count(v, "$") + strings.Count(v, "`")
	default:
		st, err := x.stats(p.ph, rep)
		if err != nil {
			return 0, err
		}
		n = formLen(p.ctx, p.bare, p.emptyOK, st)
	}
	if p.bq {
		n *= 2
	}
	return n, nil
}

// appendPiece appends piece p expanded.
func (x *expander) appendPiece(dst []byte, p *tpiece, rep int) ([]byte, error) {
	if p.appendArgs {
		args, err := x.appendCount()
		if err != nil {
			return dst, err
		}
		for k := 0; k < args; k++ {
			a := x.appendArg(k)
			dst = append(dst, ' ')
			if p.bare && isBare(a) {
				dst = append(dst, a...)
			} else {
				dst = appendSQ(dst, a)
			}
		}
		return dst, nil
	}
	if p.ph == nil {
		return append(dst, p.lit...), nil
	}
	if p.here {
		v, err := x.joined(p.ph, rep)
		if err != nil {
			return dst, err
		}
		if err := hereCheck(p, v); err != nil {
			return dst, err
		}
	}
	start := len(dst)
	var err error
	switch p.ctx {
	case cArith, cHereExp, cHereLit:
		dst, err = x.appendWhole(dst, p, rep)
	default:
		dst, err = x.appendStream(dst, p, rep)
	}
	if err != nil {
		return dst, err
	}
	if p.bq {
		dst = bqEscape(dst, start, p.bqDQ)
	}
	return dst, nil
}

func isBare(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !bareTable[s[i]] {
			return false
		}
	}
	return true
}

// appendStream appends p's value part by part in its context.
func (x *expander) appendStream(dst []byte, p *tpiece, rep int) ([]byte, error) {
	c := p.ctx
	quoted := false
	if c == cCode {
		quoted = true
		if p.bare {
			st, err := x.stats(p.ph, rep)
			if err != nil {
				return dst, err
			}
			if st.n == 0 && p.emptyOK {
				return dst, nil
			}
			quoted = !st.bare
		}
	}
	switch {
	case quoted:
		dst = append(dst, '\'')
	case c == cANSI:
		dst = append(dst, "''"...)
	case c == cParam:
		dst = append(dst, '"')
	}
	parts := x.count(p.ph, rep)
	for k := 0; k < parts; k++ {
		if k > 0 {
			dst = append(dst, ' ')
		}
		v, err := x.part(p.ph, rep, k)
		if err != nil {
			return dst, err
		}
		switch c {
		case cSQ, cANSI:
			dst = appendSQBody(dst, v)
		case cCode:
			if quoted {
				dst = appendSQBody(dst, v)
			} else {
				dst = append(dst, v...)
			}
		case cDQ, cParam:
			dst = appendDQBody(dst, v)
		case cComment:
			for i := 0; i < len(v); i++ {
				if v[i] == '\n' {
					dst = append(dst, ' ')
				} else {
					dst = append(dst, v[i])
				}
			}
		default:
			dst = append(dst, v...)
		}
	}
	switch {
	case quoted:
		dst = append(dst, '\'')
	case c == cANSI:
		dst = append(dst, "'$'"...)
	case c == cParam:
		dst = append(dst, '"')
	}
	return dst, nil
}

// appendDQBody appends s for the inside of double quotes: \ $ ` " get a
// backslash.
func appendDQBody(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '$', '`', '"':
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendWhole handles the contexts that need the whole value at once.
func (x *expander) appendWhole(dst []byte, p *tpiece, rep int) ([]byte, error) {
	v, err := x.joined(p.ph, rep)
	if err != nil {
		return dst, err
	}
	switch p.ctx {
	case cArith:
		// Quotes protect nothing in arithmetic (bash expands $(...) even
		// inside '...' there, and evaluates a[$(...)] subscripts), so only
		// a plain integer may go in.
		if !isInteger(v) {
			return dst, fmt.Errorf("%s: %q is not an integer, which is all that can go in shell arithmetic safely", p.ph.text, strings.Clone(v))
		}
		return append(dst, v...), nil
	case cHereExp, cHereLit:
		if p.ctx == cHereLit {
			return append(dst, v...), nil
		}
		for i := 0; i < len(v); i++ {
			switch c := v[i]; c {
			case '\\', '$', '`':
				dst = append(dst, '\\', c)
			default:
				dst = append(dst, c)
			}
		}
	}
	return dst, nil
}

// hereCheck refuses a value that could end the here-document it is in:
// one with a newline, or holding the delimiter.
func hereCheck(p *tpiece, v string) error {
	if strings.IndexByte(v, '\n') >= 0 {
		return fmt.Errorf("%s: a value with a newline cannot go in a here-document", p.ph.text)
	}
	if p.delim == "" && v == "" || p.delim != "" && strings.Contains(v, p.delim) {
		return fmt.Errorf("%s: the value could end the here-document (delimiter %q)", p.ph.text, p.delim)
	}
	return nil
}

func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// bqEscape escapes dst[start:] for the inside of backquotes, in place:
// the shell removes one backslash before \ $ ` (and " within double
// quotes) there before it parses the command.
func bqEscape(dst []byte, start int, dq bool) []byte {
	special := func(c byte) bool { return c == '\\' || c == '$' || c == '`' || dq && c == '"' }
	extra := 0
	for _, c := range dst[start:] {
		if special(c) {
			extra++
		}
	}
	if extra == 0 {
		return dst
	}
	end := len(dst)
	for range extra {
		dst = append(dst, 0)
	}
	w := len(dst)
	for r := end - 1; r >= start; r-- {
		c := dst[r]
		w--
		dst[w] = c
		if special(c) {
			w--
			dst[w] = '\\'
		}
	}
	return dst
}
