package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseWorkers reads a worker count: "auto" (the CPUs this process may
// use), "N", "N%" of the CPUs, "+N" or "-N" relative to them. The result is
// at least 1.
func ParseWorkers(s string, cpus int) (int, error) {
	s = strings.TrimSpace(s)
	bad := func() (int, error) {
		return 0, fmt.Errorf("workers %q: want auto, a number, N%%, +N or -N", s)
	}
	switch {
	case s == "" || s == "auto":
		return max(cpus, 1), nil
	case strings.HasSuffix(s, "%"):
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return bad()
		}
		return max(int(float64(cpus)*f/100), 1), nil
	case s[0] == '+' || s[0] == '-':
		n, err := strconv.Atoi(s[1:])
		if err != nil || n < 0 {
			return bad()
		}
		if s[0] == '+' {
			return cpus + n, nil
		}
		return max(cpus-n, 1), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return bad()
	}
	if n == 0 {
		return 0, fmt.Errorf("workers %q: at least one worker is needed", s)
	}
	return n, nil
}
