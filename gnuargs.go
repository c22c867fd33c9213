package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/pmap-dev/pmap/exec/template"
)

// argCountSuffixes are GNU parallel's multipliers for a count such as
// -N 1k: k M G T decimal (either case), ki Mi Gi Ti binary.
var argCountSuffixes = []struct {
	s string
	n int64
}{
	{"ki", 1 << 10}, {"mi", 1 << 20}, {"gi", 1 << 30}, {"ti", 1 << 40},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12},
}

// parseArgCount reads a whole number, 0 or more, with an optional GNU
// multiplier: "4", "1k" (1000), "2Ki" (2048). Fractions are refused
// rather than truncated as GNU does.
func parseArgCount(s string) (int, error) {
	digits, mult := s, int64(1)
	lower := strings.ToLower(s)
	for _, x := range argCountSuffixes {
		if strings.HasSuffix(lower, x.s) {
			digits, mult = s[:len(s)-len(x.s)], x.n
			break
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 || digits[0] == '+' || digits[0] == '-' {
		return 0, errors.New("not a whole number")
	}
	if n > (1<<31)/mult {
		return 0, errors.New("too large")
	}
	return int(n * mult), nil
}

// quoteWords is -q (GNU parallel's --quote): each template word stays one
// argument as given, instead of the words being joined by spaces and read
// again as a command line. Each word is shell-quoted, which both the exec
// reading (shlex) and the shell read back as that one word; replacement
// strings inside the quotes are still replaced, their values quoted for
// the context as always.
func quoteWords(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = template.Quote(w)
	}
	return out
}
