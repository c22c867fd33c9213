package proc

import (
	"fmt"
	"strconv"
	"time"
)

// ParseDuration accepts Go durations ("1.5s", "2m") and bare numbers in
// unit. It is the one duration syntax of pmap's options: the waits of
// --termseq (bare milliseconds, as in GNU parallel) and, in seconds,
// --timeout, --delay and --retry-delay.
func ParseDuration(s string, unit time.Duration) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		return time.Duration(f * float64(unit)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (like 1.5s, 2m or a number)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return d, nil
}
