package main

import "github.com/urfave/cli/v2"

// remoteConfig holds the options of this feature.
type remoteConfig struct{}

func remoteFlags() []cli.Flag { return nil }

func (f *remoteConfig) configure(c *cli.Context, cfg *config) error { return nil }

func (f *remoteConfig) apply(cfg *config, env *runEnv) error { return nil }
