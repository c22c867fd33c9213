package input

import (
	"errors"
	"fmt"
)

// ParseDelimiter turns the argument of -d into the delimiter bytes. Shells
// make control characters awkward to type, so it accepts the escapes \t, \n,
// \r, \0, \\ and \xHH; any other backslash sequence is an error rather than
// a silent literal, because a mistyped escape would otherwise split the input
// somewhere the user did not mean. A delimiter may be several bytes long; an
// empty one is an error (it would split nothing).
func ParseDelimiter(s string) (string, error) {
	if s == "" {
		return "", errors.New("delimiter must not be empty")
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("delimiter %q ends in a lone backslash (write \\\\ for a backslash)", s)
		}
		i++
		switch s[i] {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf("delimiter %q: \\x needs two hex digits", s)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("delimiter %q: \\x needs two hex digits, got %q", s, s[i+1:i+3])
			}
			out = append(out, hi<<4|lo)
			i += 2
		default:
			return "", fmt.Errorf("delimiter %q: unknown escape \\%c (known: \\t \\n \\r \\0 \\\\ \\xHH)", s, s[i])
		}
	}
	return string(out), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
