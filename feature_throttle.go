package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/input"
)

// throttleConfig holds the options that hold job starts back: --delay,
// --load and --memfree.
type throttleConfig struct {
	delay   time.Duration
	load    float64
	memFree int64
	// proc is the proc file system read for --load and --memfree:
	// $PMAP_PROC, for a host's /proc mounted elsewhere and for tests.
	proc string
}

func throttleFlags() []cli.Flag {
	return []cli.Flag{
		stringFlag(catRunning, "delay", nil, "", "wait at least `D` between job starts (0.5s, 2m, seconds)"),
		stringFlag(catRunning, "load", nil, "", "start a job only while the 1-minute load average is below `N` (or N% of the CPUs)"),
		stringFlag(catRunning, "memfree", nil, "", "start a job only while more than `SIZE` of memory is available (512M, 2G)"),
	}
}

func (f *throttleConfig) configure(c *cli.Context, cfg *config) error {
	var err error
	f.proc = os.Getenv("PMAP_PROC")
	if s := c.String("delay"); s != "" {
		if f.delay, err = proc.ParseDuration(s, time.Second); err != nil {
			return usagef("", "--delay: %v", err)
		}
	}
	if s := c.String("load"); s != "" {
		if f.load, err = parseLoad(s, exec.CPUs()); err != nil {
			return usagef("", "--load: %v", err)
		}
	}
	if s := c.String("memfree"); s != "" {
		if f.memFree, err = input.ParseSize(s); err != nil {
			return usagef("", "--memfree: %v", err)
		}
	}
	return nil
}

// parseLoad reads --load: a load average above 0, or N% of cpus (GNU
// parallel: 100% is one runnable process per CPU).
func parseLoad(s string, cpus int) (float64, error) {
	p, pct := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(p, 64)
	if err != nil || v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: want a load average above 0, or a percentage of the CPUs (100%%)", s)
	}
	if pct {
		v = v * float64(cpus) / 100
	}
	return v, nil
}

func (f *throttleConfig) apply(cfg *config, env *runEnv) error {
	if f.delay == 0 && f.load == 0 && f.memFree == 0 {
		return nil
	}
	t := &exec.Throttle{
		Delay:   f.delay,
		MaxLoad: f.load,
		MemFree: f.memFree,
		Proc:    f.proc,
		Stop:    env.engine.Drain,
	}
	if err := t.Check(); err != nil {
		return err
	}
	env.engine.Throttle = t.Wait
	return nil
}
