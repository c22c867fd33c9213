package input

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// sizePattern is a number with an optional unit: 1024-based upper case
// (K, M, G, T, P, also written KiB or KB), 1000-based lower case (k ... p,
// also kB), or a bare B.
var sizePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]*)?|\.[0-9]+) ?(?:([KMGTP])(?:i?B)?|([kmgtp])B?|B)?$`)

// ParseSize reads a size in bytes as GNU parallel writes it for --block and
// --memfree: a number, possibly with a fraction, and an optional unit.
// Upper-case units are powers of 1024 (512M is 512 MiB) and lower-case ones
// powers of 1000 (10k is 10000 bytes), as in GNU parallel.
func ParseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("size %q: want bytes, or a number with a unit K, M, G, T (1024-based) or k, m, g, t (1000-based)", s)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", s, err)
	}
	switch {
	case m[2] != "":
		f *= math.Pow(1024, float64(strings.Index("KMGTP", m[2])+1))
	case m[3] != "":
		f *= math.Pow(1000, float64(strings.Index("kmgtp", m[3])+1))
	}
	if f >= math.MaxInt64/2 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(f), nil
}
