package proc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// lifelineArg is the first argument of pmap's hidden lifeline mode. The
// mode is entered only with the exact arguments Start gives it and a pipe
// as fd 3; anything else is an ordinary command line.
const lifelineArg = "--pmap-lifeline"

// lifeline is the run's lifeline: a small process (pmap itself, started
// again in its hidden mode) that holds the read end of a pipe of which
// pmap holds the write end. When pmap dies without saying goodbye (kill
// -9), the pipe closes and the lifeline kills every process with the run's
// marker, with its process group, and removes the paths it was given. Job
// leaders also get a parent-death signal; the lifeline reaches what they
// started.
type lifeline struct {
	once sync.Once
	mu   sync.Mutex
	w    *os.File // pmap's end; nil when it could not start
}

// ensure starts the lifeline once per run, before its first process.
func (l *lifeline) ensure(s *supervision) {
	l.once.Do(func() {
		if err := l.start(s); err != nil {
			if w := s.warn; w != nil {
				fmt.Fprintf(w, "pmap: warning: cannot start the lifeline process (%v): should pmap be killed, its jobs may go on running\n", err)
			}
		}
	})
}

func (l *lifeline) start(s *supervision) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		w.Close()
		return err
	}
	defer null.Close()
	// One P is plenty, and its threads count against the user's process
	// limit.
	env := append(os.Environ(), "GOMAXPROCS=1")
	argv := []string{"pmap", lifelineArg, s.runID, strconv.Itoa(syscall.Getpgrp())}
	// /dev/null as 0, 1 and 2: it must not hold pmap's output open. A
	// group of its own: the terminal's ^C is for pmap, which ends it.
	pid, h, err := spawn("/proc/self/exe", argv, "/", env, 0, []*os.File{null, null, null, r}, false, kindLifeline, false)
	if err != nil {
		w.Close()
		return err
	}
	l.mu.Lock()
	l.w = w
	l.mu.Unlock()
	// Reaped when it ends, before pmap should it be killed. Its waiting
	// holds a thread, the run's only one.
	go func() { _, _ = h.wait(pid) }()
	return nil
}

// send writes one message line to the lifeline.
func (l *lifeline) send(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil {
		_, _ = l.w.Write([]byte(line + "\n"))
	}
}

// close says goodbye: the run ended and cleaned up after itself.
func (l *lifeline) close() {
	l.send("q")
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil {
		l.w.Close()
		l.w = nil
	}
}

// LifelineMain runs pmap's hidden lifeline mode when args are its command
// line, and reports whether they were; code is the exit code. It is
// checked before pmap reads its options.
func LifelineMain(args []string) (code int, ok bool) {
	if len(args) != 4 || args[1] != lifelineArg || !validRunID(args[2]) {
		return 0, false
	}
	pmapGroup, err := strconv.Atoi(args[3])
	if err != nil {
		return 0, false
	}
	var st unix.Stat_t
	if unix.Fstat(3, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return 0, false
	}
	// Named pmap in ps -o comm (not exe, from /proc/self/exe).
	_ = unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("pmap\x00")[0])), 0, 0, 0)
	// pmap ends the lifeline by closing the pipe; signals meant for pmap's
	// terminal or pipeline are not for it.
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGTSTP,
		syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGPIPE)
	var remove []string
	var run [][]string
	sc := bufio.NewScanner(os.NewFile(3, "lifeline"))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "q":
			return 0, true
		case strings.HasPrefix(line, "rm "):
			if p, err := strconv.Unquote(line[3:]); err == nil {
				remove = append(remove, p)
			}
		case strings.HasPrefix(line, "run "):
			if s, err := strconv.Unquote(line[4:]); err == nil {
				run = append(run, strings.Split(s, "\x00"))
			}
		}
	}
	// pmap died.
	for _, argv := range run {
		runBounded(argv, 10*time.Second)
	}
	killMarked(markerPrefix+args[2]+"=", pmapGroup)
	for _, p := range remove {
		_ = os.RemoveAll(p)
	}
	return 0, true
}

// validRunID reports whether id is a run id as Supervise makes them.
func validRunID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// killMarked kills every process whose environment holds marker, and its
// process group (never pmapGroup, where pmap's own pipeline runs), until a
// look at every process finds none: a process may start another while it
// is being killed.
func killMarked(marker string, pmapGroup int) {
	self := os.Getpid()
	for round := 0; round < 100; round++ {
		found := 0
		ents, err := os.ReadDir("/proc")
		if err != nil {
			return
		}
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == self || pid <= 1 {
				continue
			}
			env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
			if err != nil || !hasMarker(env, marker) {
				continue
			}
			found++
			if g, err := unix.Getpgid(pid); err == nil && g > 1 && g != pmapGroup {
				_ = unix.Kill(-g, unix.SIGKILL)
			}
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		if found == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasMarker(env []byte, marker string) bool {
	return bytes.HasPrefix(env, []byte(marker)) || bytes.Contains(env, []byte("\x00"+marker))
}

// runBounded runs argv for the dead pmap, killing it after limit: it and
// everything it started (a pipeline of squeue and scancel that a dead
// slurmctld leaves waiting), which run in a process group of their own.
func runBounded(argv []string, limit time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := osexec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = time.Second
	_ = cmd.Run()
	if cmd.Process != nil {
		_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL) // what outlived it
	}
}
