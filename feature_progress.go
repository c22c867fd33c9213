package main

import (
	"context"
	"io"
	"os"
	"sync/atomic"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// progressMode is what --progress / --no-progress ask for.
type progressMode int

const (
	progressAuto progressMode = iota // shown when stderr is a terminal and stdout is not
	progressOn
	progressOff
)

// progressConfig holds the options of this feature.
type progressConfig struct {
	mode progressMode
}

// progressFlags are the progress options and --completion, which prints a
// script instead of running anything (run.go handles it first).
func progressFlags() []cli.Flag {
	return []cli.Flag{
		boolFlag(catOutput, "progress", nil, "show progress on stderr (done/total, failed, jobs/s, ETA), also when stderr is not a terminal"),
		boolFlag(catOutput, "no-progress", nil, "never show progress (by default it shows when stderr is a terminal and stdout is not)"),
		// No PMAP_COMPLETION: a variable would turn every run into printing
		// a script.
		&cli.StringFlag{Name: "completion", Usage: "print the completion script for `SHELL` (bash, zsh or fish) and exit", Category: catOutput},
	}
}

func (f *progressConfig) configure(c *cli.Context, cfg *config) error {
	on, off := c.Bool("progress"), c.Bool("no-progress")
	if on && off {
		// The command line wins over PMAP_PROGRESS / PMAP_NO_PROGRESS.
		given := givenOptions(c)
		switch {
		case given["progress"] && !given["no-progress"]:
			off = false
		case given["no-progress"] && !given["progress"]:
			on = false
		default:
			return usagef("give one of them", "--progress and --no-progress both set")
		}
	}
	switch {
	case on:
		f.mode = progressOn
	case off:
		f.mode = progressOff
	}
	return nil
}

func (f *progressConfig) apply(cfg *config, env *runEnv) error {
	errTTY := isTerminal(env.stderr)
	switch f.mode {
	case progressOff:
		return nil
	case progressAuto:
		// The curl rule: a terminal watching while the output goes elsewhere.
		if !errTTY || isTerminal(env.stdout) {
			return nil
		}
	}
	dumb := os.Getenv("TERM") == "dumb"
	jobs := new(atomic.Int64)
	jobs.Store(-1)
	engine := env.engine
	p := output.NewProgress(output.ProgressOptions{
		W:        env.output.Stderr,
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
	f.count(cfg, env.stdin, jobs, p.Done())
	env.output.Progress = p
	env.output.Stderr = p.Writer()
	env.stderr = env.output.Stderr
	if errTTY && isTerminal(env.stdout) {
		// --progress with the output on the same terminal: job output must
		// clear the line too, so it goes out unbuffered, through p.
		env.output.Stdout = p.Wrap(env.stdout)
	}
	return nil
}

// count starts counting the jobs of the run in the background, when the
// input can be read twice (regular files, ::: values), and stores the
// number in jobs; jobs stays -1 when it cannot be known in advance. The
// count stops when done is closed (the run is over). The input must not
// have been read yet: the counter notes stdin's offset here.
func (f *progressConfig) count(cfg *config, stdin io.Reader, jobs *atomic.Int64, done <-chan struct{}) {
	packed := cfg.expand.Multi && cfg.maxArgs <= 1 // -X: jobs hold as many records as fit
	if packed || cfg.noAppend {                    // --pipe: jobs are blocks
		return
	}
	c, ok := input.NewCounter(cfg.input, stdin, cfg.specs)
	if !ok {
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
		recs, err := c.Count(ctx)
		if err != nil {
			return // the total stays the count read so far
		}
		if k := int64(cfg.maxArgs); k > 1 {
			recs = (recs + k - 1) / k
		}
		jobs.Store(recs)
	}()
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
