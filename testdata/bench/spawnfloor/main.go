// Command spawnfloor is the floor of a process per job in pure Go, for
// compare.sh's C posix_spawn loop: the same command lines (CMD N for each
// input line N), two in flight, the command looked up once, nothing of
// pmap's (no pipes, no process group, no engine). Run it beside the C loop
// and pmap in the same run:
//
//	go run ./testdata/bench/spawnfloor net /usr/bin/true <spawn.txt
//
// Modes: "bare" waits in wait4 on a thread (os.Process.Wait's way); "net"
// waits for a pidfd in the runtime's poller (pmap's way since the waitSet).
package main

import (
	"bufio"
	"fmt"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "bare" && os.Args[1] != "net") {
		fmt.Fprintln(os.Stderr, "usage: spawnfloor bare|net /path/to/cmd <lines")
		os.Exit(2)
	}
	mode, path := os.Args[1], os.Args[2]
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	env := os.Environ()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range lines {
				if err := run(mode, path, []string{path, l}, env); err != nil {
					fmt.Fprintln(os.Stderr, "spawnfloor:", err)
					os.Exit(1)
				}
			}
		}()
	}
	wg.Wait()
}

// run starts argv and waits for it the way mode says.
func run(mode, path string, argv, env []string) error {
	attr := &syscall.ProcAttr{Env: env, Files: []uintptr{0, 1, 2}}
	pidfd := -1
	if mode == "net" {
		attr.Sys = &syscall.SysProcAttr{PidFD: &pidfd}
	}
	pid, _, err := syscall.StartProcess(path, argv, attr)
	if err != nil {
		return err
	}
	var ws syscall.WaitStatus
	if mode == "bare" {
		_, err = syscall.Wait4(pid, &ws, 0, nil)
		return err
	}
	if err := unix.SetNonblock(pidfd, true); err != nil {
		return err
	}
	f := os.NewFile(uintptr(pidfd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Read(func(uintptr) bool {
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		return got == pid || err != nil
	})
}
