package main

import "github.com/urfave/cli/v2"

// workerConfig holds the options of this feature.
type workerConfig struct{}

func workerFlags() []cli.Flag { return nil }

func (f *workerConfig) configure(c *cli.Context, cfg *config) error { return nil }

func (f *workerConfig) apply(cfg *config, env *runEnv) error { return nil }
