package template

import "strings"

// Quotes and expansions open and close frames; the innermost frame is the
// quoting context a replacement string inside it gets.

// brace handles a '{' or '}' at s[i]: a replacement string or an escape
// is consumed (n > 0); a literal brace is left to step (n == 0).
func (x *shellScanner) brace(i int) (int, error) {
	k, n, p, err := x.br.match(i, i > 0 && x.s[i-1] == '$')
	if err != nil {
		return 0, err
	}
	f := x.top()
	switch k {
	case bracePH:
		return n, x.placeholder(i, n, p)
	case braceOpen, braceClose:
		ch := byte('{')
		if k == braceClose {
			ch = '}'
		}
		if isCode(f.kind) {
			cf := x.codeFrame()
			x.wordChar(cf, i)
			cf.brace = true
		}
		if f.kind == fParam { // a literal brace the shell counts too
			if ch == '{' {
				f.depth++
			} else if f.depth > 0 {
				f.depth--
			}
		}
		x.lit = append(x.lit, ch)
		return n, nil
	}
	return 0, nil
}

// placeholder adds replacement string p (n bytes at s[i]) in the current
// context.
func (x *shellScanner) placeholder(i, n int, p *placeholder) error {
	x.placeholders++
	if err := x.spreadCheck(i, p); err != nil {
		return err
	}
	f := x.top()
	tp := tpiece{ph: p}
	switch f.kind {
	case fTop, fSubst, fBQ:
		tp.ctx = cCode
		x.wordChar(f, i)
		// Digits then '<' or '>' after the value would make it part of
		// a file descriptor number: {}>f, {}1>f.
		j := i + n
		for j < len(x.s) && '0' <= x.s[j] && x.s[j] <= '9' {
			j++
		}
		redirect := j < len(x.s) && (x.s[j] == '<' || x.s[j] == '>')
		// Inside case ... esac a bare "esac" could end the statement.
		tp.bare = !f.wordCmd && !f.tilde && !redirect && f.cases == 0
		f.skip += n
	case fSQ:
		tp.ctx = cSQ
	case fANSI:
		tp.ctx = cANSI
		tp.ansiTail = x.ansiEscapeAfter(i + n)
	case fDQ:
		tp.ctx = cDQ
	case fParam:
		tp.ctx = cParam
		if x.braceExposed() {
			tp.ctx = cParamDQ
		}
	case fArith:
		tp.ctx = cArith
	case fComment:
		tp.ctx = cComment
	case fHere:
		tp.ctx, tp.delim = cHereExp, f.delim
		if f.quoted {
			tp.ctx = cHereLit
		}
	}
	if h := x.top().hereAt; h >= 0 {
		tp.here, tp.delim = true, x.frames[h].delim
	}
	tp.arith = tp.ctx == cArith || x.arithHere(i)
	tp.name = !tp.arith && x.nameHere(i)
	depth, dq := x.bqState()
	if depth > 1 {
		x.trouble(i)
	}
	tp.bq, tp.bqDQ = depth > 0, dq
	x.flush()
	if tp.ctx == cCode {
		f.phs = append(f.phs, len(x.pieces))
	}
	if cf := x.codeFrame(); cf.inWord {
		cf.wordPhs = append(cf.wordPhs, len(x.pieces))
	}
	x.pieces = append(x.pieces, tp)
	if top := &x.frames[0]; top.inWord && p.perRecord {
		top.wordRec = true
	}
	if p.spread {
		x.frames[0].wordSpread = true
	}
	return nil
}

// ansiEscapeAfter reports whether a backslash escape comes at or after
// s[j] before the $'...' string closes.
func (x *shellScanner) ansiEscapeAfter(j int) bool {
	for ; j < len(x.s) && x.s[j] != '\''; j++ {
		if x.s[j] == '\\' {
			return true
		}
	}
	return false
}

// spreadCheck refuses a replacement string at s[i] that a shell word
// cannot hold: a {name[]} anywhere but in a word of the template's own
// commands (bare or in quotes), where repeating the word gives one shell
// word per element; a second one in the word; or, with -X, one sharing a
// word with a per-record value, which would repeat it both ways.
func (x *shellScanner) spreadCheck(i int, p *placeholder) error {
	top := &x.frames[0]
	if !p.spread {
		if p.perRecord && x.contextRepl && top.inWord && top.wordSpread {
			return errAt(x.s, i, "%s cannot share a word with a {name[]} under -X", p.text)
		}
		return nil
	}
	switch {
	case len(x.frames) > 2 || len(x.frames) == 2 && x.frames[1].kind != fSQ && x.frames[1].kind != fDQ && x.frames[1].kind != fANSI:
		return errAt(x.s, i, "%s must be in a word of the command line itself, not inside $(...), ${...}, backquotes, arithmetic, a comment or a here-document", p.text)
	case top.redir:
		return errAt(x.s, i, "%s cannot be a redirection's target", p.text)
	case top.inWord && top.wordSpread:
		return errAt(x.s, i, "%s: a word can spread one array", p.text)
	case x.contextRepl && top.inWord && top.wordRec:
		return errAt(x.s, i, "%s cannot share a word with a replacement string that -X repeats per record", p.text)
	}
	return nil
}

// braceExposed reports whether the double quotes that cParam puts around
// a value would leave it unquoted for bash's brace expansion. That pass
// reads a word's double quotes as a flat sequence, not knowing that
// ${...} nests them, so "${x:-"{a,b}"}" gives two words: the quotes are
// inverted for it when an odd number of double quotes is open since the
// innermost code frame (whose text the shell reads again, on its own).
func (x *shellScanner) braceExposed() bool {
	odd := false
	for i := len(x.frames) - 1; i >= 0 && !isCode(x.frames[i].kind); i-- {
		if x.frames[i].kind == fDQ {
			odd = !odd
		}
	}
	return odd
}

// step handles one (unescaped-for-backquotes) character c of w raw bytes
// at s[i] and returns how many bytes it consumed.
func (x *shellScanner) step(i int, c byte, w int, depth int) (int, error) {
	s := x.s
	f := x.top()
	raw := s[i : i+w]
	switch f.kind {
	case fSQ:
		if c == '\'' {
			x.pop()
		}
	case fANSI:
		if c == '\\' && i+w < len(s) {
			x.lit = append(x.lit, s[i:i+w+1]...)
			return w + 1, nil
		}
		if c == '\'' {
			x.pop()
		}
	case fComment:
		if c == '\n' {
			x.pop()
			return 0, nil // the code frame sees the newline
		}
	case fDQ:
		switch c {
		case '"':
			x.pop()
		case '\\':
			return x.backslash(i, w, depth, false)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		}
	case fParam:
		if (c == '[' || c == ':') && f.depth == 0 && x.paramArith(f, i, c) {
			x.lit = append(x.lit, raw...)
			return w, nil
		}
		switch c {
		case '}':
			if f.depth > 0 {
				f.depth--
			} else {
				x.pop()
			}
		case '{':
			f.depth++
		case '\\':
			return x.backslash(i, w, depth, true)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		case '"':
			x.push(fDQ, i)
		case '\'':
			if x.frames[len(x.frames)-2].kind != fDQ {
				x.push(fSQ, i)
			}
		}
	case fArith:
		switch c {
		case '(':
			f.depth++
		case '[':
			if f.close == ']' {
				f.depth++
			}
		case ']':
			if f.close == ']' && f.depth > 0 {
				f.depth--
			} else if f.close == ']' {
				x.pop()
				defer x.arithDone()
			}
		case ')':
			if f.depth > 0 {
				f.depth--
			} else if f.close != ']' {
				x.pop()
				defer x.arithDone()
				if i+w < len(s) && s[i+w] == ')' {
					x.lit = append(x.lit, raw...)
					x.lit = append(x.lit, ')')
					return w + 1, nil
				}
			}
		case '\\':
			return x.backslash(i, w, depth, true)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		case '"':
			x.push(fDQ, i)
		case '\'':
			x.push(fSQ, i)
		}
	case fHere:
		if c == '\n' {
			f.lineStart = true
		} else if !f.quoted {
			switch c {
			case '\\':
				return x.backslash(i, w, depth, false)
			case '$':
				return x.dollar(i, w, depth)
			case '`':
				return x.backquote(i, w)
			}
		}
	default:
		return x.code(i, c, w, depth)
	}
	x.lit = append(x.lit, raw...)
	return w, nil
}

// arithDone notes the end of an arithmetic command at the top level,
// which is a token like a word.
func (x *shellScanner) arithDone() {
	if len(x.frames) == 1 && !x.frames[0].inWord {
		x.markAppend()
	}
}

// backslash handles a '\' (w raw bytes) at s[i]. code tells whether it
// escapes any character (unquoted code, ${...}) or only $ ` " \ newline
// (double quotes, here-documents).
func (x *shellScanner) backslash(i, w, depth int, code bool) (int, error) {
	s := x.s
	j := i + w
	if j >= len(s) {
		// A trailing backslash is literal to sh; doubled so that an
		// appended argument cannot become part of its word.
		x.lit = append(x.lit, `\\`...)
		return w, nil
	}
	if x.phAt(j) {
		if depth > 0 {
			return 0, errAt(s, i, "a backslash before a replacement string inside backquotes is ambiguous; use $(...)")
		}
		if !code {
			// The backslash is literal here; doubled so that it stays
			// literal whatever the value starts with.
			x.lit = append(x.lit, `\\`...)
		}
		// In code the backslash escaped the brace, which the value replaces.
		if f := x.top(); isCode(f.kind) {
			f.skip += w
		}
		return w, nil
	}
	_, dq := x.bqState()
	_, nw := x.inner(j, depth, dq)
	if s[j] == '{' || s[j] == '}' {
		// let the brace be seen by the brace matcher (an escape {{ )
		x.lit = append(x.lit, s[i:j]...)
		return w, nil
	}
	x.lit = append(x.lit, s[i:j+nw]...)
	return w + nw, nil
}

// dollar handles a '$' at s[i]: expansions open frames; a '$' right before
// a replacement string becomes a literal '$'; a $name right before one
// becomes ${name}, so the value cannot extend the name.
func (x *shellScanner) dollar(i, w, depth int) (int, error) {
	s := x.s
	x.syntax = true
	j := i + w
	f := x.top()
	inDQ := f.kind == fDQ || f.kind == fHere
	if j >= len(s) {
		x.lit = append(x.lit, '$')
		return w, nil
	}
	switch c := s[j]; {
	case c == '(':
		if j+1 < len(s) && s[j+1] == '(' {
			x.push(fArith, i)
			x.top().close = ')'
			x.lit = append(x.lit, s[i:j+2]...)
			return j + 2 - i, nil
		}
		x.push(fSubst, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '{':
		if x.phAt(j) {
			if depth > 0 {
				return 0, errAt(s, i, "a $ before a replacement string inside backquotes is ambiguous; use $(...)")
			}
			x.lit = append(x.lit, `\$`...)
			return w, nil
		}
		x.push(fParam, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '[': // bash's old $[...] arithmetic
		x.push(fArith, i)
		x.top().close = ']'
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '\'' && !inDQ:
		x.push(fANSI, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '"' && !inDQ:
		x.push(fDQ, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		k := j + 1
		if c > '9' {
			for k < len(s) && (s[k] == '_' || 'a' <= s[k] && s[k] <= 'z' || 'A' <= s[k] && s[k] <= 'Z' || '0' <= s[k] && s[k] <= '9') {
				k++
			}
		}
		if x.phAt(k) {
			x.lit = append(x.lit, "${"...)
			x.lit = append(x.lit, s[j:k]...)
			x.lit = append(x.lit, '}')
		} else {
			x.lit = append(x.lit, s[i:k]...)
		}
		return k - i, nil
	case strings.IndexByte("@*#?-$!", c) >= 0:
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	}
	x.lit = append(x.lit, s[i:j]...)
	return w, nil
}

// backquote opens or closes a `...` command substitution.
func (x *shellScanner) backquote(i, w int) (int, error) {
	x.syntax = true
	x.lit = append(x.lit, x.s[i:i+w]...)
	if w > 1 {
		return w, nil // an escaped (nested) backquote, already flagged
	}
	f := x.top()
	if f.kind == fBQ {
		x.pop()
		return w, nil
	}
	for k := len(x.frames) - 1; k >= 0 && f.bqDepth > 0; k-- {
		if x.frames[k].kind == fBQ {
			// A backquote inside quotes or $(...) within backquotes:
			// shells disagree on which one it closes.
			x.trouble(i)
			x.frames = x.frames[:k]
			return w, nil
		}
	}
	x.push(fBQ, i)
	return w, nil
}
