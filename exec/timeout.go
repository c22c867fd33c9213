package exec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/proc"
)

// Timeout is --timeout: a fixed duration, or a percentage of the median
// runtime of the jobs that succeeded so far.
type Timeout struct {
	Fixed   time.Duration // > 0: this long for every job
	Percent float64       // > 0: this share of the median runtime
}

// ParseTimeout reads "1.5s", "2m", bare seconds, or "N%".
func ParseTimeout(s string) (Timeout, error) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 {
			return Timeout{}, fmt.Errorf("--timeout %q: want a duration or a percentage above 0", s)
		}
		return Timeout{Percent: f}, nil
	}
	d, err := proc.ParseDuration(s, time.Second)
	if err != nil {
		return Timeout{}, fmt.Errorf("--timeout: %w", err)
	}
	if d == 0 {
		return Timeout{}, fmt.Errorf("--timeout %q: want a duration above 0", s)
	}
	return Timeout{Fixed: d}, nil
}

// medianWindow is how many recent successful runtimes the median is taken
// over: enough to be stable, bounded so that a long run stays flat in memory.
const medianWindow = 1001

// minSamples is how many jobs must have succeeded before a percentage
// timeout applies: a median of one or two runs says little.
const minSamples = 3

// runtimes keeps recent successful runtimes for percentage timeouts.
type runtimes struct {
	mu     sync.Mutex
	ring   []time.Duration
	next   int
	cached time.Duration
	stale  bool
}

func (r *runtimes) add(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stale = true
	if len(r.ring) < medianWindow {
		r.ring = append(r.ring, d)
		return
	}
	r.ring[r.next] = d
	r.next = (r.next + 1) % medianWindow
}

func (r *runtimes) median() (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) < minSamples {
		return 0, false
	}
	if r.stale {
		s := slices.Clone(r.ring)
		slices.Sort(s)
		r.cached, r.stale = s[len(s)/2], false
	}
	return r.cached, true
}

// limit is the timeout for a job starting now; 0 means none.
func (t Timeout) limit(r *runtimes) time.Duration {
	if t.Fixed > 0 {
		return t.Fixed
	}
	if t.Percent > 0 {
		if m, ok := r.median(); ok {
			return time.Duration(float64(m) * t.Percent / 100)
		}
	}
	return 0
}
