package template

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/google/shlex"
)

// piece is a literal run of text or a replacement string.
type piece struct {
	lit string
	ph  *placeholder
}

// eword is one argv word of an Exec template.
type eword struct {
	lit    string  // the whole word when it has no replacement string
	pieces []piece // nil for a literal word
	// repeat is set with ContextReplace (-X) when the word holds a
	// per-record replacement string: it is repeated once per record.
	repeat bool
}

// Markers stand for replacement strings (and for bytes shlex would
// mangle) while shlex splits the template: runes of Unicode plane 16
// (private use), which shlex copies like any letter, so each marker lands in
// exactly the argv word the replacement string was written in.
const (
	markerBase = 0x100000
	maxMarkers = 0xFFFE
)

// execScanner prepares the joined template for shlex. Besides the
// markers it makes shlex agree with POSIX sh where they differ, so a
// template runs the same with or without a shell: inside "...", a backslash
// before anything but $ ` " \ newline stays; backslash-newline is removed;
// an unquoted CR is part of the word, not a blank.
type execScanner struct {
	s       string
	br      *braces
	out     strings.Builder
	entries []piece
}

func compileExec(s string, br *braces, contextReplace bool) ([]eword, error) {
	x := &execScanner{s: s, br: br}
	x.out.Grow(len(s) + 8)
	const (
		start = iota // between words
		word
		squote
		dquote
		comment
	)
	state, quoteAt := start, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '{' || c == '}' {
			k, n, p, err := br.match(i, i > 0 && s[i-1] == '$')
			if err != nil {
				return nil, err
			}
			if state == comment { // shlex drops comments; only validate
				i += n
				continue
			}
			if state == start {
				state = word
			}
			switch k {
			case bracePH:
				if err := x.marker(piece{ph: p}, i); err != nil {
					return nil, err
				}
			case braceOpen:
				x.out.WriteByte('{')
			case braceClose:
				x.out.WriteByte('}')
			default:
				x.out.WriteByte(c)
			}
			i += n
			continue
		}
		switch state {
		case comment:
			if c == '\n' {
				x.out.WriteByte(c)
				state = start
			}
			i++
			continue
		case squote:
			if c == '\'' {
				state = word
			}
		case dquote:
			switch c {
			case '"':
				state = word
			case '\\':
				if i+1 < len(s) {
					switch s[i+1] {
					case '$', '`', '"', '\\':
						x.out.WriteString(s[i : i+2])
						i += 2
						continue
					case '\n':
						i += 2
						continue
					}
				}
				// POSIX keeps this backslash; shlex would drop it.
				x.out.WriteString(`\\`)
				i++
				continue
			}
		default: // start, word
			switch c {
			case ' ', '\t', '\n':
				x.out.WriteByte(c)
				state = start
				i++
				continue
			case '\r':
				if err := x.marker(piece{lit: "\r"}, i); err != nil {
					return nil, err
				}
				state = word
				i++
				continue
			case '#':
				if state == start {
					state = comment
					i++
					continue
				}
			case '\'', '"':
				state, quoteAt = squote, i
				if c == '"' {
					state = dquote
				}
				x.out.WriteByte(c)
				i++
				continue
			case '\\':
				switch {
				case i+1 == len(s): // sh keeps a trailing backslash
					if err := x.marker(piece{lit: `\`}, i); err != nil {
						return nil, err
					}
					state = word
					i++
					continue
				case s[i+1] == '\n':
					i += 2
					continue
				}
				// shlex takes the next rune literally; a brace or a
				// marker there is handled by the next round.
				x.out.WriteByte('\\')
				state = word
				i++
				if c := s[i]; c != '{' && c != '}' {
					n, err := x.char(i)
					if err != nil {
						return nil, err
					}
					i += n
				}
				continue
			}
			state = word
		}
		n, err := x.char(i)
		if err != nil {
			return nil, err
		}
		i += n
	}
	switch state {
	case squote:
		return nil, errAt(s, quoteAt, "unterminated single quote")
	case dquote:
		return nil, errAt(s, quoteAt, "unterminated double quote")
	}
	split, err := shlex.Split(x.out.String())
	if err != nil {
		return nil, &compileError{msg: err.Error()}
	}
	words := make([]eword, len(split))
	for i, w := range split {
		words[i] = x.word(w, contextReplace)
	}
	return words, nil
}

// char copies the rune at s[i] and returns its length. A byte that is not
// valid UTF-8, or a rune in the marker range, becomes a marker so that
// shlex's UTF-8 decoding cannot change it.
func (x *execScanner) char(i int) (int, error) {
	r, n := utf8.DecodeRuneInString(x.s[i:])
	if r == utf8.RuneError && n <= 1 || r >= markerBase {
		if n < 1 {
			n = 1
		}
		return n, x.marker(piece{lit: x.s[i : i+n]}, i)
	}
	x.out.WriteString(x.s[i : i+n])
	return n, nil
}

func (x *execScanner) marker(p piece, at int) error {
	if len(x.entries) >= maxMarkers {
		return errAt(x.s, at, "too many replacement strings")
	}
	x.out.WriteRune(rune(markerBase + len(x.entries)))
	x.entries = append(x.entries, p)
	return nil
}

// word turns one shlex word back into pieces.
func (x *execScanner) word(w string, contextReplace bool) eword {
	if !strings.ContainsFunc(w, isMarker) {
		return eword{lit: w}
	}
	var ps []piece
	var lit []byte
	hasPH := false
	for _, r := range w {
		if !isMarker(r) {
			lit = utf8.AppendRune(lit, r)
			continue
		}
		e := x.entries[r-markerBase]
		if e.ph == nil {
			lit = append(lit, e.lit...)
			continue
		}
		if len(lit) > 0 {
			ps = append(ps, piece{lit: string(lit)})
			lit = lit[:0]
		}
		ps = append(ps, e)
		hasPH = true
	}
	if !hasPH {
		return eword{lit: string(lit)}
	}
	if len(lit) > 0 {
		ps = append(ps, piece{lit: string(lit)})
	}
	ew := eword{pieces: ps}
	for _, p := range ps {
		if p.ph != nil && p.ph.perRecord && contextReplace {
			ew.repeat = true
		}
	}
	return ew
}

func isMarker(r rune) bool { return r >= markerBase && r < markerBase+maxMarkers }

// reps is how many times word w appears in the argv of d.
func (x *expander) reps(w *eword) int {
	if !w.repeat {
		return 1
	}
	if !x.d.Multi {
		return min(1, len(x.d.Records))
	}
	return len(x.d.Records)
}

// wordLen is the length of word w expanded for repetition rep.
func (x *expander) wordLen(w *eword, rep int) (int, error) {
	n := 0
	for i := range w.pieces {
		p := &w.pieces[i]
		if p.ph == nil {
			n += len(p.lit)
			continue
		}
		parts := x.count(p.ph, rep)
		n += parts - 1
		for k := 0; k < parts; k++ {
			v, err := x.part(p.ph, rep, k)
			if err != nil {
				return 0, err
			}
			n += len(v)
		}
	}
	return n, nil
}

// appendWord appends word w expanded for repetition rep.
func (x *expander) appendWord(dst []byte, w *eword, rep int) ([]byte, error) {
	for i := range w.pieces {
		p := &w.pieces[i]
		if p.ph == nil {
			dst = append(dst, p.lit...)
			continue
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
			dst = append(dst, v...)
		}
	}
	return dst, nil
}

// appendCount is the number of arguments appended for a template without
// replacement strings: each record's fields, or the record itself.
func (x *expander) appendCount() (int, error) {
	n := 0
	for i, r := range x.d.Records {
		if i > 0 && !x.d.Multi {
			break
		}
		if r.Err != nil {
			return 0, r.Err
		}
		if r.Fields != nil {
			n += len(r.Fields)
		} else {
			n++
		}
	}
	return n, nil
}

// appendArg returns appended argument k (see appendCount).
func (x *expander) appendArg(k int) string {
	for i := range x.d.Records {
		r := &x.d.Records[i]
		if r.Fields == nil {
			if k == 0 {
				return r.Raw
			}
			k--
			continue
		}
		if k < len(r.Fields) {
			return r.Fields[k]
		}
		k -= len(r.Fields)
	}
	return ""
}

// argv expands an Exec template: one allocation for the slice and one per
// word that holds a replacement string; literal words are shared.
func (t *Template) argv(d *Data) ([]string, error) {
	x := newExpander(d)
	n := 0
	for i := range t.words {
		n += x.reps(&t.words[i])
	}
	extra := 0
	if t.appendRec {
		var err error
		if extra, err = x.appendCount(); err != nil {
			return nil, err
		}
	}
	argv := make([]string, 0, n+extra)
	for i := range t.words {
		w := &t.words[i]
		if w.pieces == nil {
			argv = append(argv, w.lit)
			continue
		}
		reps := x.reps(w)
		for rep := 0; rep < reps; rep++ {
			r := -1
			if w.repeat {
				r = rep
			}
			size, err := x.wordLen(w, r)
			if err != nil {
				return nil, err
			}
			if size == 0 {
				argv = append(argv, "")
				continue
			}
			b, err := x.appendWord(make([]byte, 0, size), w, r)
			if err != nil {
				return nil, err
			}
			argv = append(argv, unsafe.String(unsafe.SliceData(b), len(b)))
		}
	}
	for k := 0; k < extra; k++ {
		argv = append(argv, x.appendArg(k))
	}
	return argv, nil
}

// wordStats measures word w for quoting: its length, whether it is safe to
// leave bare, and how many single quotes it holds.
func (x *expander) wordStats(w *eword, rep int, first bool) (size, quotes int, safe bool, err error) {
	safe = true
	var head [8]byte // the first bytes, to spot reserved words
	check := func(s string) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !safeTable[c] || first && (c == '=' || c == '-' && size+i == 0) {
				safe = false
			}
			if c == '\'' {
				quotes++
			}
			if size+i < len(head) {
				head[size+i] = c
			}
		}
		size += len(s)
	}
	for i := range w.pieces {
		p := &w.pieces[i]
		if p.ph == nil {
			check(p.lit)
			continue
		}
		parts := x.count(p.ph, rep)
		for k := 0; k < parts; k++ {
			if k > 0 {
				check(" ")
			}
			v, err := x.part(p.ph, rep, k)
			if err != nil {
				return 0, 0, false, err
			}
			check(v)
		}
	}
	if size == 0 || first && size <= len(head) && isReserved(string(head[:size])) {
		safe = false
	}
	return size, quotes, safe, nil
}

// execStringLen is the length of the quoted command line of an Exec template.
func (t *Template) execStringLen(x *expander) (int, error) {
	n, first := 0, true
	for i := range t.words {
		w := &t.words[i]
		reps := x.reps(w)
		for rep := 0; rep < reps; rep++ {
			if !first {
				n++
			}
			if w.pieces == nil {
				if first && !commandWordSafe(w.lit) || !isSafe(w.lit) {
					n += quotedLen(w.lit)
				} else {
					n += len(w.lit)
				}
				first = false
				continue
			}
			r := -1
			if w.repeat {
				r = rep
			}
			size, quotes, safe, err := x.wordStats(w, r, first)
			if err != nil {
				return 0, err
			}
			if !safe {
				size += 2 + 3*quotes
			}
			n += size
			first = false
		}
	}
	if t.appendRec {
		args, err := x.appendCount()
		if err != nil {
			return 0, err
		}
		for k := 0; k < args; k++ {
			a := x.appendArg(k)
			if !first {
				n++
			}
			if first && !commandWordSafe(a) || !isSafe(a) {
				n += quotedLen(a)
			} else {
				n += len(a)
			}
			first = false
		}
	}
	return n, nil
}

// appendExecString appends the Exec template's argv for d as one shell
// command line (see JoinArgv) without building the argv.
func (t *Template) appendExecString(dst []byte, x *expander) ([]byte, error) {
	first := true
	for i := range t.words {
		w := &t.words[i]
		reps := x.reps(w)
		for rep := 0; rep < reps; rep++ {
			if !first {
				dst = append(dst, ' ')
			}
			if w.pieces == nil {
				if first && !commandWordSafe(w.lit) {
					dst = appendSQ(dst, w.lit)
				} else {
					dst = AppendQuote(dst, w.lit)
				}
				first = false
				continue
			}
			r := -1
			if w.repeat {
				r = rep
			}
			_, _, safe, err := x.wordStats(w, r, first)
			if err != nil {
				return dst, err
			}
			first = false
			if safe {
				if dst, err = x.appendWord(dst, w, r); err != nil {
					return dst, err
				}
				continue
			}
			dst = append(dst, '\'')
			for j := range w.pieces {
				p := &w.pieces[j]
				if p.ph == nil {
					dst = appendSQBody(dst, p.lit)
					continue
				}
				parts := x.count(p.ph, r)
				for k := 0; k < parts; k++ {
					if k > 0 {
						dst = append(dst, ' ')
					}
					v, err := x.part(p.ph, r, k)
					if err != nil {
						return dst, err
					}
					dst = appendSQBody(dst, v)
				}
			}
			dst = append(dst, '\'')
		}
	}
	if t.appendRec {
		args, err := x.appendCount()
		if err != nil {
			return dst, err
		}
		for k := 0; k < args; k++ {
			a := x.appendArg(k)
			if !first {
				dst = append(dst, ' ')
			}
			if first && !commandWordSafe(a) {
				dst = appendSQ(dst, a)
			} else {
				dst = AppendQuote(dst, a)
			}
			first = false
		}
	}
	return dst, nil
}
