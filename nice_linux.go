//go:build linux

package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// renice adds inc to the niceness of pmap, so that every job it starts
// (and the in-process shell) runs at it: --nice. On Linux the niceness is
// a thread's, and a new thread takes its creator's, so every thread of the
// process is reniced, the list read again until no new thread shows up.
func renice(inc int) error {
	// The raw getpriority of Linux returns 20 - nice.
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		return err
	}
	target := min(max(20-prio+inc, -20), 19)
	done := map[int]bool{}
	for {
		tids, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		fresh := false
		for _, t := range tids {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			if err := unix.Setpriority(unix.PRIO_PROCESS, tid, target); err != nil && err != unix.ESRCH {
				return fmt.Errorf("niceness %d: %w", target, err)
			}
			done[tid], fresh = true, true
		}
		if !fresh {
			return nil
		}
	}
}
