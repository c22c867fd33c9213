package main

import "github.com/urfave/cli/v2"

// pipeConfig holds the options of this feature.
type pipeConfig struct{}

func pipeFlags() []cli.Flag { return nil }

func (f *pipeConfig) configure(c *cli.Context, cfg *config) error { return nil }

func (f *pipeConfig) apply(cfg *config, env *runEnv) error { return nil }
