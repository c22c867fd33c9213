package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pmap": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfile": cmdWaitFile,
			"gone":     cmdGone,
			"stopped":  cmdStopped,
		},
		Setup: func(env *testscript.Env) error {
			dir := env.WorkDir
			env.Defer(func() { killLeftovers(dir) })
			return nil
		},
	})
}

// killLeftovers kills every process still working in dir once its script
// has ended. A script that fails while a pmap runs in the background
// (`exec sh -c 'pmap ... & wait' &`) has its sh interrupted, but not the
// pmap, which a non-interactive shell started with SIGINT ignored: it,
// and the jobs it waits for, outlived the test run. Only a failed script
// leaves any; those that pass check that nothing is left themselves.
func killLeftovers(dir string) {
	procs, _ := os.ReadDir("/proc") // none off Linux
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cwd, err := os.Readlink("/proc/" + p.Name() + "/cwd")
		if err == nil && (cwd == dir || strings.HasPrefix(cwd, dir+"/")) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// cmdWaitFile waits until FILE holds at least N lines (default 1):
// waitfile FILE [N]
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile FILE [LINES]")
	}
	want := 1
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		want = n
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, err := os.ReadFile(ts.MkAbs(args[0]))
		if err == nil && strings.Count(string(data), "\n") >= want {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s: no %d lines after 20s", args[0], want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdGone checks that no process whose pid is listed in FILE (one per
// line) is alive, waiting up to 5s for them to be reaped: gone FILE
func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: gone FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	pids := strings.Fields(string(data))
	if len(pids) == 0 {
		ts.Fatalf("%s lists no pids", args[0])
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, p := range pids {
		pid, err := strconv.Atoi(p)
		ts.Check(err)
		for processAlive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				ts.Fatalf("process %d is still running", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// cmdStopped waits up to 20s until every process whose pid is listed in
// FILE (one per line) is stopped (SIGSTOP, SIGTSTP), or with ! until none
// is: stopped FILE
func cmdStopped(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: [!] stopped FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	pids := strings.Fields(string(data))
	if len(pids) == 0 {
		ts.Fatalf("%s lists no pids", args[0])
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, p := range pids {
		pid, err := strconv.Atoi(p)
		ts.Check(err)
		for processStopped(pid) == neg {
			if time.Now().After(deadline) {
				ts.Fatalf("process %d: state %c after 20s", pid, processState(pid))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// processStopped reports whether pid is stopped: in state T, or in D
// waiting for a vfork child that is (dash runs commands with vfork, and a
// stop that reaches the child before its exec leaves the parent in D until
// the child runs on).
func processStopped(pid int) bool {
	switch processState(pid) {
	case 'T':
		return true
	case 'D':
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		if err != nil {
			return false
		}
		for _, c := range strings.Fields(string(data)) {
			if child, err := strconv.Atoi(c); err == nil && processState(child) == 'T' {
				return true
			}
		}
	}
	return false
}

// processState is the state letter of pid in /proc (R, S, T, Z...), 0
// when it cannot be read.
func processState(pid int) byte {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0
	}
	return s[i+2]
}

// processAlive reports whether pid runs (a zombie waiting for its parent
// to reap it has stopped running).
func processAlive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}
