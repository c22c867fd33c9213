package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseWorkers reads a worker count: "auto" (the CPUs this process may
// use), "N", "N%" of the CPUs, "+N" or "-N" relative to them, "0" as many
// as possible (AllWorkers). The result is at least 1.
func ParseWorkers(s string, cpus int) (int, error) {
	s = strings.TrimSpace(s)
	bad := func() (int, error) {
		return 0, fmt.Errorf("workers %q: want auto, a number, N%%, +N or -N", s)
	}
	switch {
	case s == "" || s == "auto":
		return max(cpus, 1), nil
	case strings.HasSuffix(s, "%"):
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return bad()
		}
		return max(int(float64(cpus)*f/100), 1), nil
	case s[0] == '+' || s[0] == '-':
		n, err := strconv.Atoi(s[1:])
		if err != nil || n < 0 {
			return bad()
		}
		if s[0] == '+' {
			return cpus + n, nil
		}
		return max(cpus-n, 1), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return bad()
	}
	if n == 0 {
		return AllWorkers(), nil
	}
	return n, nil
}

// maxAllWorkers caps -j 0: enough for any machine's I/O-bound run, few
// enough that a typo cannot start tens of thousands of processes at once.
const maxAllWorkers = 1024

// filesPerJob is how many descriptors pmap holds for a running job (its
// stdout and stderr pipes, its process handle, a spill file), and
// reservedFiles what the run keeps for itself (input, logs, ssh masters).
const filesPerJob, reservedFiles = 4, 64

// AllWorkers is the worker count of -j 0, GNU parallel's "as many as
// possible": as many jobs as the open-file limit leaves room for, from 1
// to maxAllWorkers. Jobs that find a limit of the system reached anyway
// wait for running ones to end (exec/proc), as with any count.
func AllWorkers() int {
	files, ok := openFileLimit()
	if !ok {
		return maxAllWorkers
	}
	return min(max((files-reservedFiles)/filesPerJob, 1), maxAllWorkers)
}

// openFileLimit is the soft limit of open files, false when there is none.
func openFileLimit() (int, bool) {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil || lim.Cur == unix.RLIM_INFINITY || lim.Cur > math.MaxInt32 {
		return 0, false
	}
	return int(lim.Cur), true
}
