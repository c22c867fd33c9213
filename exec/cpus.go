package exec

import (
	"math"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// CPUs is the number of CPUs this process may use: the affinity mask
// (runtime.NumCPU reads it) capped by the cgroup CPU quota, if any.
func CPUs() int {
	n := runtime.NumCPU()
	if q := cgroupCPULimit("/"); q > 0 && q < n {
		n = q
	}
	return n
}

// cgroupCPULimit returns the CPU quota of this process's cgroup (v2
// cpu.max or v1 cpu.cfs_quota_us), rounded up, or 0 when there is none.
// root is the filesystem root, so that tests can give a fake /proc and /sys.
func cgroupCPULimit(root string) int {
	data, err := os.ReadFile(path.Join(root, "proc/self/cgroup"))
	if err != nil {
		return 0
	}
	limit := 0
	lower := func(q int) {
		if q > 0 && (limit == 0 || q < limit) {
			limit = q
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			// cgroup v2: the quota of this group or any parent applies.
			for dir := parts[2]; ; dir = path.Dir(dir) {
				lower(readCPUMax(path.Join(root, "sys/fs/cgroup", dir, "cpu.max")))
				if dir == "/" || dir == "." {
					break
				}
			}
		case hasController(parts[1], "cpu"):
			base := path.Join(root, "sys/fs/cgroup/cpu,cpuacct", parts[2])
			if _, err := os.Stat(base); err != nil {
				base = path.Join(root, "sys/fs/cgroup/cpu", parts[2])
			}
			quota := readInt(path.Join(base, "cpu.cfs_quota_us"))
			period := readInt(path.Join(base, "cpu.cfs_period_us"))
			if quota > 0 && period > 0 {
				lower(int(math.Ceil(float64(quota) / float64(period))))
			}
		}
	}
	return limit
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readCPUMax reads a v2 "max 100000" or "200000 100000" file.
func readCPUMax(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) != 2 || f[0] == "max" {
		return 0
	}
	quota, err1 := strconv.ParseFloat(f[0], 64)
	period, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return 0
	}
	return int(math.Ceil(quota / period))
}

func readInt(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return n
}
