package proc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// isLimit reports whether err is a limit of the system that processes of
// the run lift as they end: the user's process count (fork's EAGAIN),
// pmap's open files (EMFILE) or the system's (ENFILE).
func isLimit(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// limitReason says which limit err is, with its value.
func limitReason(err error) string {
	switch {
	case errors.Is(err, syscall.EMFILE):
		return "too many open files" + rlimitNote("-n", unix.RLIMIT_NOFILE)
	case errors.Is(err, syscall.ENFILE):
		return "the system's table of open files is full"
	case errors.Is(err, syscall.EAGAIN):
		return "no more processes can be started" + rlimitNote("-u", unix.RLIMIT_NPROC)
	}
	return err.Error()
}

// rlimitNote is " (ulimit FLAG N)" for the soft limit res, or "".
func rlimitNote(flag string, res int) string {
	var lim unix.Rlimit
	if unix.Getrlimit(res, &lim) != nil || lim.Cur == unix.RLIM_INFINITY {
		return ""
	}
	return fmt.Sprintf(" (ulimit %s %d)", flag, lim.Cur)
}

// limits is where starts that hit a limit wait for processes to end.
var limits limiter

// idleLimit is how long a start that hits a limit keeps trying while no
// job process of the run is running, that is while nothing of the run is
// bound to free what it needs.
const idleLimit = 3 * time.Second

// limitRetry is how often a waiting start tries again even when no process
// ended: the fds it needs may be freed otherwise (an output pipe closed
// after its process ended, a spooled file written out).
const limitRetry = 250 * time.Millisecond

type limiter struct {
	gen     atomic.Uint64 // counts ends: processes reaped, pipes closed
	waiting atomic.Int32
	mu      sync.Mutex
	wake    chan struct{} // closed at the next end; nil when no one waits
	warned  atomic.Bool
	reached atomic.Bool // a limit was reached during the run
}

// limitWait is one start's waiting so far.
type limitWait struct {
	idle  time.Duration // waited while no job process was running
	tries int           // attempts while no job process was running
}

// mark is taken before an attempt: wait returns at once when something
// ended since.
func (l *limiter) mark() uint64 { return l.gen.Load() }

// released says that a process of the run ended or closed a pipe: a
// waiting start may now get what it needs. It costs an atomic add when no
// start waits.
func (l *limiter) released() {
	l.gen.Add(1)
	if l.waiting.Load() == 0 {
		return
	}
	l.mu.Lock()
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
	l.mu.Unlock()
}

// wait waits before a start tries again after hitting a limit: until a
// process of the run ends, or a while. It returns false when the start
// should give up: ctx ended, or no job process has been running for
// idleLimit.
func (l *limiter) wait(ctx context.Context, mark uint64, w *limitWait) bool {
	if ctx.Err() != nil {
		return false
	}
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	l.mu.Lock()
	if l.wake == nil {
		l.wake = make(chan struct{})
	}
	wake := l.wake
	l.mu.Unlock()
	if l.gen.Load() != mark {
		return true
	}
	d := limitRetry
	if children.runningJobs() == 0 {
		if w.idle >= idleLimit {
			return false
		}
		d = 10 * time.Millisecond << min(w.tries, 4)
		w.tries++
		w.idle += d
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-wake:
	case <-t.C:
	case <-ctx.Done():
		return false
	}
	return true
}

// warn writes the run's one warning that a limit holds jobs back.
func (l *limiter) warn(err error) {
	l.reached.Store(true)
	if l.warned.Swap(true) {
		return
	}
	if w := warnWriter(); w != nil {
		fmt.Fprintf(w, "pmap: warning: %s: jobs now wait for running ones to end before they start\n", limitReason(err))
	}
}

// fdReserve is what FDSlots leaves of the open-file limit to pmap itself:
// its standard files, the runtime's poller, logs, spooled output.
const fdReserve = 16

// FDSlots bounds the jobs that run at once to what the open-file limit
// (ulimit -n) allows when each may hold PerJob fds at once: a job over the
// bound waits for another to end (and the run's one warning says so)
// rather than fail for want of a pipe. It is for jobs whose fds are not
// all taken through Start (the in-process shell's own pipes); with a
// limit too high to matter, it costs nothing.
type FDSlots struct {
	PerJob int

	once sync.Once
	sem  chan struct{} // nil: no bound
}

func (s *FDSlots) init() {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil || lim.Cur == unix.RLIM_INFINITY {
		return
	}
	if n := (int(lim.Cur) - fdReserve) / max(s.PerJob, 1); n < 4096 {
		s.sem = make(chan struct{}, max(n, 1))
	}
}

// Acquire takes a slot for a job, waiting for one while ctx lasts.
func (s *FDSlots) Acquire(ctx context.Context) error {
	s.once.Do(s.init)
	if s.sem == nil {
		return nil
	}
	select {
	case s.sem <- struct{}{}:
		return nil
	default:
	}
	limits.warn(syscall.EMFILE)
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Release gives back the slot of a job that ended.
func (s *FDSlots) Release() {
	if s.sem != nil {
		<-s.sem
	}
}
