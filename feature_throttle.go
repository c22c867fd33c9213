package main

import "github.com/urfave/cli/v2"

// throttleConfig holds the options of this feature.
type throttleConfig struct{}

func throttleFlags() []cli.Flag { return nil }

func (f *throttleConfig) configure(c *cli.Context, cfg *config) error { return nil }

func (f *throttleConfig) apply(cfg *config, env *runEnv) error { return nil }
