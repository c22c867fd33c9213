package main

import (
	"context"
	"io"
	"os"
	"sync/atomic"

	"github.com/mattn/go-isatty"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// runProgress is the progress line of a run and the writers that keep it
// clean.
type runProgress struct {
	progress *output.Progress
	// stderr is where the run's other stderr output goes: through the
	// progress line, which it clears and redraws.
	stderr io.Writer
	// stdout, when set, replaces stdout: job output on the same terminal
	// as the progress line must clear it too.
	stdout io.Writer
}

// newProgress returns the run's progress line, or nil when none shows:
// --progress, or by default a terminal on stderr watching while stdout
// goes elsewhere (the curl rule). It must be called before the input is
// read: the job counter notes stdin's offset.
func newProgress(o *options, engine *exec.Engine, stdin io.Reader, stdout, stderr io.Writer) *runProgress {
	errTTY := isTerminal(stderr)
	switch o.progress {
	case progressOff:
		return nil
	case progressAuto:
		if !errTTY || isTerminal(stdout) {
			return nil
		}
	}
	dumb := os.Getenv("TERM") == "dumb"
	jobs := new(atomic.Int64)
	jobs.Store(-1)
	p := output.NewProgress(output.ProgressOptions{
		W:        stderr,
		Terminal: errTTY,
		Dumb:     dumb,
		Color:    errTTY && !dumb && os.Getenv("NO_COLOR") == "",
		Total: func() (int64, bool) {
			read, all := engine.Read()
			if all {
				return int64(read), true
			}
			if n := jobs.Load(); n >= 0 {
				return max(n, int64(read)), true
			}
			return int64(read), false
		},
	})
	countJobs(o, stdin, jobs, p.Done())
	rp := &runProgress{progress: p, stderr: p.Writer()}
	if errTTY && isTerminal(stdout) {
		// --progress with the output on the same terminal: job output must
		// clear the line too, so it goes out unbuffered, through p.
		rp.stdout = p.Wrap(stdout)
	}
	return rp
}

// countJobs starts counting the jobs of the run in the background, when
// the input can be read twice (regular files, ::: values), and stores the
// number in jobs; jobs stays -1 when it cannot be known in advance. The
// count stops when done is closed (the run is over).
func countJobs(o *options, stdin io.Reader, jobs *atomic.Int64, done <-chan struct{}) {
	count := jobCounter(o, stdin)
	if count == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-done:
				cancel()
			case <-ctx.Done():
			}
		}()
		n, err := count(ctx)
		if err != nil {
			return // the total stays the count read so far
		}
		jobs.Store(n)
	}()
}

// jobCounter returns what counts the jobs of the run, when the input can
// be read twice (regular files, ::: values), or nil. It must be called
// before the input is read: it notes stdin's offset.
func jobCounter(o *options, stdin io.Reader) func(ctx context.Context) (int64, error) {
	// -X: jobs hold as many records as fit; --pipe: jobs are blocks;
	// --worker: the count is left to the records read.
	if o.packed() || o.pipe || o.worker {
		return nil
	}
	c, ok := input.NewCounter(o.input, stdin, o.specs)
	if !ok {
		return nil
	}
	return func(ctx context.Context) (int64, error) {
		recs, err := c.Count(ctx)
		if k := int64(o.maxArgs); k > 1 {
			recs = (recs + k - 1) / k
		}
		return o.shard.Of(recs), err
	}
}

// isTerminal reports whether w is a terminal; only an *os.File can be.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}
