package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultThrottlePoll is how often a Throttle looks at the load and memory
// again while it holds a job back. The kernel recomputes the load average
// every 5 seconds, so polling faster would only cost reads.
const DefaultThrottlePoll = time.Second

// ErrThrottleStopped is returned by Throttle.Wait when its Stop channel is
// closed: the run starts no more jobs (SIGHUP).
var ErrThrottleStopped = errors.New("throttle stopped: no more jobs start")

// Throttle holds job starts back (--delay, --load, --memfree). Its Wait is
// the Engine's Throttle hook. Jobs wait for it; they never fail because of
// it: a machine that stays loaded keeps pmap waiting, as GNU parallel does,
// even when none of pmap's own jobs is running.
type Throttle struct {
	// Delay is the least time between two job starts; 0 for none.
	Delay time.Duration
	// MaxLoad holds jobs while the 1-minute load average is at or above
	// it; 0 for no limit.
	MaxLoad float64
	// MemFree holds jobs while the memory available (MemAvailable) is at or
	// below this many bytes; 0 for no limit.
	MemFree int64
	// Proc is the proc file system to read loadavg and meminfo from:
	// "/proc" when empty; tests point it at files of their own.
	Proc string
	// Poll is how often the load and memory are read while waiting
	// (DefaultThrottlePoll when 0).
	Poll time.Duration
	// Stop, when closed, ends a wait with ErrThrottleStopped.
	Stop <-chan struct{}

	mu   sync.Mutex
	last time.Time // when Wait last let a job start
}

// Check reads what the throttle will watch once, so that a system without
// the files (no /proc) fails before the run rather than in its middle.
func (t *Throttle) Check() error {
	if t.MaxLoad > 0 {
		if _, err := ReadLoad(t.proc()); err != nil {
			return fmt.Errorf("--load: %w", err)
		}
	}
	if t.MemFree > 0 {
		if _, err := ReadMemAvailable(t.proc()); err != nil {
			return fmt.Errorf("--memfree: %w", err)
		}
	}
	return nil
}

// Wait returns when the next job may start: Delay after the previous
// start, with the load average below MaxLoad and more than MemFree bytes
// available. It returns ctx's error early when ctx ends, and
// ErrThrottleStopped when Stop is closed.
func (t *Throttle) Wait(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Delay > 0 && !t.last.IsZero() {
		if err := t.sleep(ctx, time.Until(t.last.Add(t.Delay))); err != nil {
			return err
		}
	}
	for !t.ready() {
		if err := t.sleep(ctx, t.poll()); err != nil {
			return err
		}
	}
	t.last = time.Now()
	return nil
}

// ready reports whether load and memory allow a job to start now. A file
// that cannot be read (it could at Check) does not hold jobs back for the
// rest of the run: the limit is then not known, and waiting forever on it
// would hang pmap.
func (t *Throttle) ready() bool {
	if t.MaxLoad > 0 {
		if load, err := ReadLoad(t.proc()); err == nil && load >= t.MaxLoad {
			return false
		}
	}
	if t.MemFree > 0 {
		if avail, err := ReadMemAvailable(t.proc()); err == nil && avail <= t.MemFree {
			return false
		}
	}
	return true
}

func (t *Throttle) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.Stop:
		return ErrThrottleStopped
	}
}

func (t *Throttle) proc() string {
	if t.Proc == "" {
		return "/proc"
	}
	return t.Proc
}

func (t *Throttle) poll() time.Duration {
	if t.Poll <= 0 {
		return DefaultThrottlePoll
	}
	return t.Poll
}
