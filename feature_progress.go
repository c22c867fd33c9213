package main

import "github.com/urfave/cli/v2"

// progressConfig holds the options of this feature.
type progressConfig struct{}

func progressFlags() []cli.Flag { return nil }

func (f *progressConfig) configure(c *cli.Context, cfg *config) error { return nil }

func (f *progressConfig) apply(cfg *config, env *runEnv) error { return nil }
