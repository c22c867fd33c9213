package exec

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
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

// limit is the timeout the current median gives; 0 means none yet.
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

// limit returns the context of an attempt, done when it runs past
// --timeout; begin starts its clock (at once for most runners, at the
// job's turn for a Pipeliner) and stop ends it. A fixed limit is set
// once; a percentage one is watched, and moves as the median does.
func (e *Engine) limit(ctx context.Context) (c context.Context, begin func(time.Time), stop func()) {
	if e.Timeout.Fixed <= 0 && e.Timeout.Percent <= 0 {
		return ctx, func(time.Time) {}, func() {}
	}
	c, cancel := context.WithCancelCause(ctx)
	w := &watch{cancel: cancel}
	var mu sync.Mutex // begin may run on the runner's goroutine
	begun, stopped := false, false
	begin = func(start time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if begun || stopped {
			return
		}
		begun, w.start = true, start
		if e.Timeout.Fixed > 0 {
			w.arm(e.Timeout.Fixed)
			return
		}
		e.watches.add(w, e.Timeout.limit(&e.runtimes))
	}
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if begun {
			if e.Timeout.Fixed > 0 {
				if w.timer != nil {
					w.timer.Stop()
				}
			} else {
				e.watches.remove(w)
			}
		}
		cancel(nil)
	}
	return c, begin, stop
}

// rearm gives every watched attempt the limit of the current median.
func (e *Engine) rearm() {
	if e.Timeout.Percent > 0 {
		e.watches.rearm(e.Timeout.limit(&e.runtimes))
	}
}

// watches are the running attempts under a percentage --timeout. GNU
// parallel measures every running job against the latest median, so a
// long job that started before the median was known is stopped once it
// is; a limit fixed at the start would let it run on.
type watches struct {
	mu  sync.Mutex
	set map[*watch]struct{}
}

// watch is one running attempt: when it started, and how to stop it.
type watch struct {
	start  time.Time
	cancel context.CancelCauseFunc
	timer  *time.Timer
}

func (ws *watches) add(w *watch, limit time.Duration) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.set == nil {
		ws.set = make(map[*watch]struct{})
	}
	ws.set[w] = struct{}{}
	w.arm(limit)
}

func (ws *watches) remove(w *watch) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	delete(ws.set, w)
	if w.timer != nil {
		w.timer.Stop()
	}
}

func (ws *watches) rearm(limit time.Duration) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for w := range ws.set {
		w.arm(limit)
	}
}

// arm stops the attempt once it has run limit (at once when it already
// has); 0 means no limit yet. Called with the watches' lock held.
func (w *watch) arm(limit time.Duration) {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if limit <= 0 {
		return
	}
	cause := fmt.Errorf("%w after %v", job.ErrTimeout, limit)
	w.timer = time.AfterFunc(time.Until(w.start.Add(limit)), func() { w.cancel(cause) })
}
