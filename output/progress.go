package output

import (
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
)

// Redraw intervals: a terminal line is redrawn at most 10 times a second;
// plain lines (stderr is a file or a pipe) come at most once a second, and
// only when a job finished since the last one, so a log is not flooded.
const (
	terminalInterval = 100 * time.Millisecond
	plainInterval    = time.Second
)

// ProgressOptions configure a Progress.
type ProgressOptions struct {
	// W is where progress goes: pmap's standard error.
	W io.Writer
	// Terminal redraws one line in place with a bar; otherwise plain lines
	// are written, one per line.
	Terminal bool
	// Dumb is TERM=dumb: no escape sequences; the line is cleared by
	// overwriting it with spaces.
	Dumb bool
	// Color shows failures in red (a terminal without NO_COLOR).
	Color bool
	// Width returns the terminal's width in columns (0: unknown). Nil asks
	// the terminal behind W.
	Width func() int
	// Total returns the number of jobs of the run and whether it is exact;
	// when it is not, it is the number of jobs read so far. Nil: unknown.
	Total func() (n int64, exact bool)
	// Interval overrides the time between redraws (tests).
	Interval time.Duration
}

// Progress shows how far a run has got on standard error: jobs done of the
// total, failures, jobs per second, the time left and the time taken. It is
// a sink of the Writer (Options.Progress), fed every result, and redraws on
// its own ticker so that a run of slow jobs still shows time passing.
//
// Everything else pmap writes to standard error must go through Writer, so
// that the progress line is cleared first and redrawn after: job output and
// messages never mix with it.
type Progress struct {
	opt    ProgressOptions
	done   atomic.Int64
	failed atomic.Int64

	mu        sync.Mutex
	start     time.Time
	shown     string // the line on the terminal now, "" when none
	lineStart bool   // standard error is at the start of a line
	lastPlain int64  // jobs done at the last plain line; -1 before the first
	stopped   bool

	stop     chan struct{}
	finished chan struct{}
	now      func() time.Time // time.Now, or a test's clock
}

// NewProgress returns a Progress; Start starts showing it.
func NewProgress(opt ProgressOptions) *Progress {
	if opt.Interval == 0 {
		opt.Interval = plainInterval
		if opt.Terminal {
			opt.Interval = terminalInterval
		}
	}
	return &Progress{opt: opt, lineStart: true, lastPlain: -1, now: time.Now,
		stop: make(chan struct{}), finished: make(chan struct{})}
}

// Writer returns the writer for everything else pmap writes to standard
// error while the progress is shown.
func (p *Progress) Writer() io.Writer { return progressWriter{p, p.opt.W} }

// Wrap returns a writer to w that clears the progress line first: for
// standard output when it is the same terminal (--progress without
// redirection), so job output never lands on the progress line.
func (p *Progress) Wrap(w io.Writer) io.Writer { return progressWriter{p, w} }

// Done is closed once the run has ended and the final line is written.
func (p *Progress) Done() <-chan struct{} { return p.finished }

// Start starts the clock and the redraws. It does nothing on a nil
// Progress, and the second time.
func (p *Progress) Start() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.start.IsZero() {
		return
	}
	p.start = p.now()
	go p.tick()
}

func (p *Progress) tick() {
	t := time.NewTicker(p.opt.Interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw(false)
		}
	}
}

// Add counts a finished job. It does nothing on a nil Progress.
func (p *Progress) Add(r *job.Result) {
	if p == nil {
		return
	}
	p.done.Add(int64(r.Jobs()))
	if r.Failed() {
		p.failed.Add(1)
	}
}

// Stop stops the redraws and writes the final line. It does nothing on a
// nil Progress, and the second time.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	p.mu.Unlock()
	close(p.stop)
	p.draw(true)
	close(p.finished)
}

// draw writes the progress line: on a terminal in place of the last one,
// otherwise as a new line when it is due.
func (p *Progress) draw(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped && !final || p.start.IsZero() {
		return
	}
	s := p.snapshot(final)
	if !p.opt.Terminal {
		if !final && (s.done == p.lastPlain || !p.lineStart) {
			return
		}
		p.lastPlain = s.done
		line := s.plain()
		if !p.lineStart {
			line = "\n" + line
		}
		p.write(line + "\n")
		return
	}
	if !p.lineStart && !final {
		return // someone's partial line is on the terminal: wait for its end
	}
	line := s.bar(p.width())
	if line == p.shown && !final {
		return
	}
	var b strings.Builder
	if !p.lineStart {
		b.WriteString("\n")
	}
	b.WriteString("\r")
	b.WriteString(p.colored(line, s))
	switch {
	case p.opt.Dumb:
		if pad := len(p.shown) - len(line); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
	default:
		b.WriteString("\x1b[K")
	}
	p.shown = line
	if final {
		b.WriteString("\n")
		p.shown = ""
	}
	p.write(b.String())
}

// colored puts the failure count in red.
func (p *Progress) colored(line string, s progressState) string {
	if !p.opt.Color || s.failed == 0 {
		return line
	}
	f := s.failedText()
	return strings.Replace(line, f, "\x1b[31m"+f+"\x1b[0m", 1)
}

// clear removes the progress line from the terminal; the caller holds mu.
func (p *Progress) clear() {
	if p.shown == "" {
		return
	}
	if p.opt.Dumb {
		p.write("\r" + strings.Repeat(" ", len(p.shown)) + "\r")
	} else {
		p.write("\r\x1b[K")
	}
	p.shown = ""
}

// write writes p's own text; the caller holds mu. A write error (stderr
// closed) is ignored: progress is never a reason to fail a run. Only text
// ending a line changes lineStart: the progress line itself is cleared
// before anything else is written, so it leaves stderr where it was.
func (p *Progress) write(s string) {
	p.opt.W.Write([]byte(s))
	if strings.HasSuffix(s, "\n") {
		p.lineStart = true
	}
}

func (p *Progress) width() int {
	w := 0
	switch {
	case p.opt.Width != nil:
		w = p.opt.Width()
	default:
		if f, ok := p.opt.W.(*os.File); ok {
			w = terminalWidth(f)
		}
	}
	if w <= 0 {
		w = 80
	}
	return w
}

// snapshot reads the counts; the caller holds mu.
func (p *Progress) snapshot(final bool) progressState {
	s := progressState{done: p.done.Load(), failed: p.failed.Load(), elapsed: p.now().Sub(p.start), final: final}
	s.total, s.exact = s.done, final
	if p.opt.Total != nil {
		n, exact := p.opt.Total()
		if n >= s.done {
			s.total, s.exact = n, exact
		}
	}
	return s
}

type progressWriter struct {
	p *Progress
	w io.Writer
}

// Write clears the progress line, then writes b.
func (w progressWriter) Write(b []byte) (int, error) {
	p := w.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	n, err := w.w.Write(b)
	if n > 0 {
		p.lineStart = b[n-1] == '\n'
	}
	return n, err
}
