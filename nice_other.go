//go:build !linux

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// renice adds inc to the niceness of pmap, so that every job it starts
// (and the in-process shell) runs at it: --nice. Elsewhere than Linux the
// niceness is the process's.
func renice(inc int) error {
	cur, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		return err
	}
	target := min(max(cur+inc, -20), 20)
	if err := unix.Setpriority(unix.PRIO_PROCESS, 0, target); err != nil {
		return fmt.Errorf("niceness %d: %w", target, err)
	}
	return nil
}
