package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/pmap-dev/pmap/exec"
)

// throttle holds job starts back for --delay, --load and --memfree; nil
// without them. It stops waiting when drain closes (SIGHUP).
func throttle(o *options, drain <-chan struct{}) *exec.Throttle {
	if o.delay == 0 && o.load == 0 && o.memFree == 0 {
		return nil
	}
	return &exec.Throttle{Delay: o.delay, MaxLoad: o.load, MemFree: o.memFree, Proc: o.proc, Stop: drain}
}

// envProc is the proc file system read for --load and --memfree:
// $PMAP_PROC, for a host's /proc mounted elsewhere and for tests.
func envProc() string { return os.Getenv("PMAP_PROC") }

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
