package output

import (
	"encoding/base64"
	"io"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Bytes that are not UTF-8 become
// U+FFFD (records keep the job's own output exact through *_base64 fields
// instead). Unlike encoding/json, <, > and & are kept as they are: records
// are read by programs, not embedded in HTML.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = appendEscaped(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendEscaped appends one ASCII byte, escaped as JSON requires.
func appendEscaped(b []byte, c byte) []byte {
	switch {
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case c == '\n':
		return append(b, '\\', 'n')
	case c == '\t':
		return append(b, '\\', 't')
	case c == '\r':
		return append(b, '\\', 'r')
	case c < 0x20 || c == 0x7f:
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(b, c)
}

// escapeWriter writes what it is given as the inside of a JSON string. The
// input must be valid UTF-8 as a whole (a rune may be split across writes:
// bytes >= 0x80 pass through unchanged).
type escapeWriter struct {
	w   io.Writer
	buf []byte
}

func (e *escapeWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		// In pieces, so that the escaped copy (up to 6 bytes a byte) stays small.
		piece := p[:min(len(p), 16<<10)]
		p = p[len(piece):]
		b := e.buf[:0]
		for _, c := range piece {
			if c >= utf8.RuneSelf {
				b = append(b, c)
			} else {
				b = appendEscaped(b, c)
			}
		}
		e.buf = b
		if _, err := e.w.Write(b); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// utf8Checker reports whether everything written to it is valid UTF-8,
// with runes split across writes.
type utf8Checker struct {
	carry []byte
	bad   bool
}

func (u *utf8Checker) Write(p []byte) (int, error) {
	n := len(p)
	if u.bad {
		return n, nil
	}
	// Complete a rune the last write cut.
	for len(u.carry) > 0 && len(p) > 0 {
		u.carry, p = append(u.carry, p[0]), p[1:]
		if utf8.FullRune(u.carry) {
			if !utf8.Valid(u.carry) {
				u.bad = true
				return n, nil
			}
			u.carry = u.carry[:0]
		}
	}
	if len(p) == 0 {
		return n, nil
	}
	// Keep a rune cut at the end for the next write.
	i := len(p) - 1
	for i > 0 && len(p)-i < utf8.UTFMax && !utf8.RuneStart(p[i]) {
		i--
	}
	if !utf8.FullRune(p[i:]) {
		u.carry = append(u.carry, p[i:]...)
		p = p[:i]
	}
	if !utf8.Valid(p) {
		u.bad = true
	}
	return n, nil
}

func (u *utf8Checker) valid() bool { return !u.bad && len(u.carry) == 0 }

// writeOutputField writes `,"name":"..."` from buf, streaming: output that
// is not UTF-8 is written as `,"name_base64":"..."`. Nothing is held in
// memory but one chunk at a time, whatever the output size.
func writeOutputField(w io.Writer, name string, buf writerToer) error {
	var check utf8Checker
	if buf.Len() > 0 {
		if _, err := buf.WriteTo(&check); err != nil {
			return err
		}
	}
	if check.valid() {
		if _, err := io.WriteString(w, `,"`+name+`":"`); err != nil {
			return err
		}
		if buf.Len() > 0 {
			if _, err := buf.WriteTo(&escapeWriter{w: w}); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `"`)
		return err
	}
	if _, err := io.WriteString(w, `,"`+name+`_base64":"`); err != nil {
		return err
	}
	enc := base64.NewEncoder(base64.StdEncoding, w)
	if _, err := buf.WriteTo(enc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, `"`)
	return err
}
