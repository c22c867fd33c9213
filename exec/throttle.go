package exec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// ReadLoad returns the 1-minute load average from proc/loadavg.
func ReadLoad(proc string) (float64, error) {
	path := filepath.Join(proc, "loadavg")
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read the load average: %w", err)
	}
	fields := bytes.Fields(data)
	if len(fields) == 0 {
		return 0, fmt.Errorf("%s is empty", path)
	}
	load, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a load average", path, fields[0])
	}
	return load, nil
}

// ReadMemAvailable returns the bytes of memory available for new work
// from proc/meminfo: MemAvailable, or on kernels older than 3.14, which
// lack it, MemFree + Buffers + Cached.
func ReadMemAvailable(proc string) (int64, error) {
	path := filepath.Join(proc, "meminfo")
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read the free memory: %w", err)
	}
	defer f.Close()
	size := map[string]int64{} // field -> bytes
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		n, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && string(fields[1]) == "kB" {
			n *= 1024
		}
		size[string(name)] = n
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	if v, ok := size["MemAvailable"]; ok {
		return v, nil
	}
	free, ok := size["MemFree"]
	if !ok {
		return 0, fmt.Errorf("%s has neither MemAvailable nor MemFree", path)
	}
	return free + size["Buffers"] + size["Cached"], nil
}
