package template

import (
	"fmt"
	"strings"
	"unicode/utf8"

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
	// spread is 1 + the index in pieces of the word's {name[]}, or 0:
	// the word is repeated once per element of that array.
	spread int
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
		return nil, &Error{Msg: err.Error()}
	}
	words := make([]eword, len(split))
	for i, w := range split {
		if words[i], err = x.word(w, contextReplace); err != nil {
			return nil, err
		}
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
func (x *execScanner) word(w string, contextReplace bool) (eword, error) {
	if !strings.ContainsFunc(w, isMarker) {
		return eword{lit: w}, nil
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
		return eword{lit: string(lit)}, nil
	}
	if len(lit) > 0 {
		ps = append(ps, piece{lit: string(lit)})
	}
	ew := eword{pieces: ps}
	for i, p := range ps {
		switch {
		case p.ph == nil:
		case p.ph.spread && ew.spread > 0:
			return ew, &Error{Msg: fmt.Sprintf("%s and %s are in one word; a word can spread one array", ps[ew.spread-1].ph.text, p.ph.text)}
		case p.ph.spread:
			ew.spread = i + 1
		case p.ph.perRecord && contextReplace:
			ew.repeat = true
		}
	}
	if ew.spread > 0 && ew.repeat {
		return ew, &Error{Msg: fmt.Sprintf("%s cannot share a word with a replacement string that -X repeats per record", ps[ew.spread-1].ph.text)}
	}
	return ew, nil
}

func isMarker(r rune) bool { return r >= markerBase && r < markerBase+maxMarkers }
