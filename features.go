package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/output"
)

// feature is an optional part of pmap with options of its own (persistent
// workers, progress, throttles, --pipe, remote hosts). Each lives in its own
// feature_*.go file with its flags; configure and execute call these hooks.
type feature interface {
	// configure reads the feature's options; it runs before the template
	// is compiled, so it may set cfg.noAppend or cfg.runner.
	configure(c *cli.Context, cfg *config) error
	// apply wires the feature into a run about to start.
	apply(cfg *config, env *runEnv) error
}

// runEnv is what a run is made of, for features to wire into.
type runEnv struct {
	engine         *exec.Engine
	output         *output.Options
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (cfg *config) features() []feature {
	// progress first: its apply wraps env.stderr, which the others keep.
	return []feature{&cfg.progress, &cfg.worker, &cfg.throttle, &cfg.pipe, &cfg.remote}
}
