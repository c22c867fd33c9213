package output

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// TerminalSafe returns s with the bytes a terminal would act on written
// as escapes, so that text from input shown on a terminal (-v, --tag, the
// summary line) cannot move the cursor, retitle the window or clear the
// screen: C0 controls but TAB and newline (\r, \e, \x07 ...), DEL, C1
// controls (U+0080 to U+009F, which some terminals take as ESC [) and
// bytes that are not UTF-8 (\xHH). A backslash stays as it is: the escapes
// are for reading, not for reading back. s is returned as it is when it
// holds none of them, which is nearly always.
func TerminalSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r == 0x1b:
			b.WriteString(`\e`)
		case isControl(r):
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isControl reports whether r is a control a terminal acts on: every C0
// control but TAB and newline, DEL, and the C1 controls.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || 0x80 <= r && r <= 0x9f
}

// needsEscape reports whether TerminalSafe would change s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f {
			if c < 0x80 {
				return true
			}
			// Non-ASCII: look closer (valid UTF-8 outside C1 is fine).
			for _, r := range s[i:] {
				if r == utf8.RuneError || isControl(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}
