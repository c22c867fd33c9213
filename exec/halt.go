package exec

import (
	"fmt"
	"strconv"
	"strings"
)

// HaltKind is what a --halt policy counts.
type HaltKind int

// The --halt conditions.
const (
	HaltNever HaltKind = iota
	HaltFail
	HaltSuccess
	HaltDone
)

// Halt is a --halt policy: stop the run when Count jobs (or Percent of the
// jobs read so far) have failed, succeeded or finished. Now kills running
// jobs; otherwise they finish and no new job starts.
type Halt struct {
	Kind    HaltKind // what is counted; HaltNever never stops the run
	Now     bool     // stop running jobs too, rather than let them finish
	Count   int      // how many jobs it takes
	Percent float64  // > 0: a share of the jobs read so far, not a count
}

// ParseHalt reads GNU parallel's forms: never, soon|now,fail|success|done=N
// or =N%, and the legacy 0, 1, 2, -1, -2 and 1-99%.
func ParseHalt(s string) (Halt, error) {
	switch s {
	case "", "never", "0":
		return Halt{}, nil
	case "1":
		return Halt{Kind: HaltFail, Count: 1}, nil
	case "2":
		return Halt{Kind: HaltFail, Now: true, Count: 1}, nil
	case "-1":
		return Halt{Kind: HaltSuccess, Count: 1}, nil
	case "-2":
		return Halt{Kind: HaltSuccess, Now: true, Count: 1}, nil
	}
	bad := fmt.Errorf("--halt %q: want never, or soon|now,fail|success|done=N or =N%%", s)
	if strings.HasSuffix(s, "%") && !strings.Contains(s, ",") {
		s = "soon,fail=" + s // legacy 1-99%
	}
	when, why, ok := strings.Cut(s, ",")
	if !ok {
		return Halt{}, bad
	}
	var h Halt
	switch when {
	case "soon":
	case "now":
		h.Now = true
	default:
		return Halt{}, bad
	}
	kind, n, ok := strings.Cut(why, "=")
	if !ok {
		return Halt{}, bad
	}
	switch kind {
	case "fail":
		h.Kind = HaltFail
	case "success":
		h.Kind = HaltSuccess
	case "done":
		h.Kind = HaltDone
	default:
		return Halt{}, bad
	}
	if p, isPct := strings.CutSuffix(n, "%"); isPct {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 || f > 100 {
			return Halt{}, bad
		}
		h.Percent = f
		return h, nil
	}
	c, err := strconv.Atoi(n)
	if err != nil || c < 1 {
		return Halt{}, bad
	}
	h.Count = c
	return h, nil
}

// haltStats are the counts a policy looks at.
type haltStats struct {
	read, done, failed, succeeded int
}

// reached reports whether the policy stops the run.
func (h Halt) reached(s haltStats) bool {
	var n int
	switch h.Kind {
	case HaltFail:
		n = s.failed
	case HaltSuccess:
		n = s.succeeded
	case HaltDone:
		n = s.done
	default:
		return false
	}
	if h.Percent > 0 {
		return n > 0 && float64(n)*100 >= h.Percent*float64(max(s.read, 1))
	}
	return n >= h.Count
}
