package slurm

import (
	"fmt"
	"strconv"
	"strings"
)

// Alloc is the Slurm allocation pmap runs in, read from the variables
// salloc and sbatch set.
type Alloc struct {
	// JobID is SLURM_JOB_ID; "" outside an allocation.
	JobID string
	// CPUs is the number of steps of one CPU the allocation can run at
	// once, over all its nodes: SLURM_NTASKS, else the sum of
	// SLURM_JOB_CPUS_PER_NODE divided by SLURM_CPUS_PER_TASK; 0 when
	// unknown.
	CPUs int
}

// ReadAlloc reads the allocation from getenv (os.Getenv).
func ReadAlloc(getenv func(string) string) (Alloc, error) {
	a := Alloc{JobID: getenv("SLURM_JOB_ID")}
	if a.JobID == "" {
		return a, nil
	}
	if _, err := strconv.ParseUint(a.JobID, 10, 64); err != nil {
		return a, fmt.Errorf("SLURM_JOB_ID=%q: want a job number", a.JobID)
	}
	if s := getenv("SLURM_NTASKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return a, fmt.Errorf("SLURM_NTASKS=%q: want a number of tasks", s)
		}
		a.CPUs = n
		return a, nil
	}
	if s := getenv("SLURM_JOB_CPUS_PER_NODE"); s != "" {
		n, err := ParseCPUsPerNode(s)
		if err != nil {
			return a, err
		}
		if c := getenv("SLURM_CPUS_PER_TASK"); c != "" {
			per, err := strconv.Atoi(c)
			if err != nil || per < 1 {
				return a, fmt.Errorf("SLURM_CPUS_PER_TASK=%q: want a number of CPUs", c)
			}
			n /= per
		}
		a.CPUs = max(n, 1)
	}
	return a, nil
}

// ParseCPUsPerNode sums SLURM_JOB_CPUS_PER_NODE: "2", "2(x3),1" (three
// nodes of 2 CPUs and one of 1: 7).
func ParseCPUsPerNode(s string) (int, error) {
	bad := fmt.Errorf("SLURM_JOB_CPUS_PER_NODE=%q: want counts like 2(x3),1", s)
	total := 0
	for _, part := range strings.Split(s, ",") {
		count, times := part, "1"
		if i := strings.IndexByte(part, '('); i >= 0 {
			if !strings.HasPrefix(part[i:], "(x") || !strings.HasSuffix(part, ")") {
				return 0, bad
			}
			count, times = part[:i], part[i+2:len(part)-1]
		}
		c, err1 := strconv.Atoi(count)
		t, err2 := strconv.Atoi(times)
		if err1 != nil || err2 != nil || c < 0 || t < 1 {
			return 0, bad
		}
		total += c * t
	}
	if total < 1 {
		return 0, bad
	}
	return total, nil
}
