package exec

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is --shard K/N: the run keeps every N-th job, the one whose
// number ({#}) minus one is K modulo N. Jobs keep their numbers in the
// whole input, so that the joblogs and keys of the shards line up. The
// zero Shard keeps every job.
type Shard struct {
	Index, Count int64 // K modulo N, and N
}

// ParseShard reads K/N. K is taken modulo N, so that 0-based (0..N-1)
// and 1-based (1..N) numbers work alike, and so does a Slurm job array's
// $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT whatever its first task's
// number (a range with a step, 1-9:2, needs the index worked out).
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	ki, err1 := strconv.ParseInt(strings.TrimSpace(k), 10, 64)
	ni, err2 := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("shard %q: want K/N, two whole numbers (0/4, or $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)", s)
	case ni < 1:
		return Shard{}, fmt.Errorf("shard %q: N must be 1 or more", s)
	case ki < 0:
		return Shard{}, fmt.Errorf("shard %q: K must be 0 or more", s)
	}
	return Shard{Index: ki % ni, Count: ni}, nil
}

// Keeps reports whether the job numbered seq is the shard's.
func (s Shard) Keeps(seq int64) bool {
	return s.Count <= 1 || (seq-1)%s.Count == s.Index
}

// Of returns how many of jobs numbered 1..total the shard keeps.
func (s Shard) Of(total int64) int64 {
	if s.Count <= 1 {
		return total
	}
	if total <= s.Index {
		return 0
	}
	return (total-1-s.Index)/s.Count + 1
}
