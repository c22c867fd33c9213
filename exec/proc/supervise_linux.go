package proc

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// endGrace bounds how long the end of a supervised run kills and reaps
// what its jobs left.
const endGrace = 3 * time.Second

// sysSupervision is what Linux adds to a supervised run: pmap is a child
// subreaper, reaps the orphans it adopts (without taking the exit status
// of a child someone waits for), kills those of ended scopes, and holds a
// lifeline.
type sysSupervision struct {
	subreaper bool
	started   uint64 // clock ticks since boot when the run began
	stop      chan struct{}
	wg        sync.WaitGroup
	life      lifeline
}

// reapPoke and sweepPoke wake the supervised run's reaper and sweeper; a
// poke while one is pending is merged with it.
var (
	reapPoke  = make(chan struct{}, 1)
	sweepPoke = make(chan struct{}, 1)
)

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// childrenPath lists the children of pmap's main thread, which is where the
// kernel puts the orphans a subreaper adopts.
var childrenPath = "/proc/" + strconv.Itoa(os.Getpid()) + "/task/" + strconv.Itoa(os.Getpid()) + "/children"

func (ss *sysSupervision) start(s *supervision) {
	ss.started = uptimeTicks()
	ss.subreaper = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == nil
	ss.stop = make(chan struct{})
	ss.wg.Add(2)
	go ss.reapLoop()
	go ss.sweepLoop(s)
	prewarmThreads()
}

// beforeStart readies what a process's start needs: the lifeline.
func (ss *sysSupervision) beforeStart(s *supervision) { ss.life.ensure(s) }

func (ss *sysSupervision) removeIfKilled(s *supervision, path string) {
	ss.life.ensure(s)
	ss.life.send("rm " + strconv.Quote(path))
}

func (ss *sysSupervision) runIfKilled(s *supervision, argv []string) {
	ss.life.ensure(s)
	ss.life.send("run " + strconv.Quote(strings.Join(argv, "\x00")))
}

// end kills and reaps whatever the run's processes left (every process
// pmap adopted during the run, marked or not), then lets go of the
// lifeline: nothing is left for it to do.
func (ss *sysSupervision) end(s *supervision) {
	deadline := time.Now().Add(endGrace)
	for ss.subreaper {
		reapOrphans()
		if sweep(s, ss.started) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(ss.stop)
	ss.wg.Wait()
	if ss.subreaper {
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	}
	ss.life.close()
}

// reapMu makes one reap at a time.
var reapMu sync.Mutex

// reapTick is how often the reaper looks for orphans that ended on their
// own: a zombie of theirs lasts that long at most. (SIGCHLD would tell at
// once, at the cost of a signal and two wake-ups per job.)
const reapTick = 100 * time.Millisecond

// reapLoop reaps orphans every reapTick, and when asked: a sweep killed
// some, or a child reaped by its own Wait had hidden others.
func (ss *sysSupervision) reapLoop() {
	defer ss.wg.Done()
	tick := time.NewTicker(reapTick)
	defer tick.Stop()
	for {
		select {
		case <-ss.stop:
			return
		case <-tick.C:
		case <-reapPoke:
		}
		if ss.subreaper && reapOrphans() > 0 {
			// Their own children, if any, are pmap's now.
			poke(sweepPoke)
		}
	}
}

// sweepGap is the least time between two sweeps: jobs may end by the
// thousand per second, and what they left can wait that long.
const sweepGap = 20 * time.Millisecond

// sweepLoop kills what ended scopes left, when a scope ends or an orphan
// was reaped.
func (ss *sysSupervision) sweepLoop(s *supervision) {
	defer ss.wg.Done()
	gap := time.NewTimer(0)
	for {
		select {
		case <-ss.stop:
			return
		case <-sweepPoke:
		}
		if ss.subreaper && sweep(s, 0) > 0 {
			// Reaped soon: a killed process is a zombie at once.
			time.AfterFunc(sweepGap/2, func() { poke(reapPoke) })
		}
		gap.Reset(sweepGap)
		select {
		case <-ss.stop:
			return
		case <-gap.C:
		}
	}
}

// hidden is set when the reaper found, in front of the ended children, one
// that its own Wait reaps (os/exec's): others may be behind it.
var hidden atomic.Bool

// afterReap is called once a Wait has reaped a child of pmap: the reaper
// looks again if the child hid others.
func afterReap() {
	if hidden.Load() && hidden.Swap(false) {
		poke(reapPoke)
	}
}

// sweepSoon asks for a sweep of what ended scopes left.
func sweepSoon() { poke(sweepPoke) }

// siginfo is the start of the kernel's siginfo_t for SIGCHLD, padded to
// its size: the pid follows three ints, aligned as a pointer.
type siginfo struct {
	signo, errno, code int32
	_                  [unsafe.Sizeof(uintptr(0)) / 8 * 4]byte
	pid                int32
	_                  [128 - 16]byte
}

// peekEnded returns the pid of a child of pmap that has ended and not
// been reaped, leaving it so (WNOWAIT); 0 when there is none.
func peekEnded() int {
	var info siginfo
	_, _, e := unix.Syscall6(unix.SYS_WAITID, unix.P_ALL, 0, uintptr(unsafe.Pointer(&info)),
		unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, 0, 0)
	if e != 0 || info.pid <= 0 {
		return 0
	}
	return int(info.pid)
}

// reapOrphans reaps the ended children of pmap that no one waits for: the
// orphans it adopted as subreaper. It looks before it reaps (WNOWAIT): the
// kernel shows the ended children one at a time, and one that its own Wait
// reaps must be left to it; it hides the others until then, and afterReap
// pokes the reaper. An orphan is reaped holding spawnMu, so that a child
// that ended right after its start is not taken for an orphan before it is
// registered. It returns how many it reaped.
func reapOrphans() (n int) {
	reapMu.Lock()
	defer reapMu.Unlock()
	for {
		pid := peekEnded()
		if pid == 0 {
			return n
		}
		if !children.has(pid) {
			spawnMu.Lock()
			if peekEnded() == pid && !children.has(pid) {
				var ws syscall.WaitStatus
				if _, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); err == nil {
					n++
				}
			}
			spawnMu.Unlock()
			continue
		}
		hidden.Store(true)
		if peekEnded() == pid {
			// Still there: its Wait has yet to reap it, and will see
			// hidden when it has.
			return n
		}
	}
}

// sweep kills the orphans pmap adopted whose scope has ended. With
// since > 0 (the run's end) it kills every orphan: those with the run's
// marker, and those without it (they cleared their environment) started
// since the run began, in clock ticks since boot; a child pmap's caller
// started before (a test's server) is left alone. It returns how many it
// killed.
func sweep(s *supervision, since uint64) (killed int) {
	// No orphan is reaped while the sweep holds spawnMu, so that its pid
	// cannot name another process by the time it is killed.
	spawnMu.RLock()
	defer spawnMu.RUnlock()
	data, err := os.ReadFile(childrenPath)
	if err != nil {
		return 0
	}
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil || children.has(pid) {
			continue
		}
		id, marked := scopeOf(pid, s.marker)
		switch {
		case marked && since > 0:
		case marked && !scopeLive(id):
		case !marked && since > 0 && startTicks(pid) >= since:
		default:
			continue
		}
		// A process that leads a group of its own (setsid) takes the
		// group with it.
		_ = unix.Kill(-pid, unix.SIGKILL)
		_ = unix.Kill(pid, unix.SIGKILL)
		killed++
	}
	return killed
}

// scopeOf reads the scope id in process pid's marker for the run
// (marker is "PMAP_RUN_<id>="). A zombie has no environment left.
func scopeOf(pid int, marker string) (uint64, bool) {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return 0, false
	}
	v, ok := markerValue(env, marker)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(v, 10, 64)
	return id, err == nil
}

// markerValue finds marker at the start of an entry of env (NUL-separated
// NAME=VALUE entries) and returns the rest of the entry.
func markerValue(env []byte, marker string) (string, bool) {
	i := 0
	if !bytes.HasPrefix(env, []byte(marker)) {
		j := bytes.Index(env, []byte("\x00"+marker))
		if j < 0 {
			return "", false
		}
		i = j + 1
	}
	v := env[i+len(marker):]
	if k := bytes.IndexByte(v, 0); k >= 0 {
		v = v[:k]
	}
	return string(v), true
}

// startTicks is when process pid started, in clock ticks since boot; 0
// when it cannot be read.
func startTicks(pid int) uint64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command's closing parenthesis start with the
	// state (field 3); the start time is field 22.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 {
		return 0
	}
	t, _ := strconv.ParseUint(fields[19], 10, 64)
	return t
}

// uptimeTicks is the time since boot in clock ticks (USER_HZ, 100 on
// Linux), the unit of startTicks; a tick is taken off so that a process
// started in the same tick counts as started after.
func uptimeTicks() uint64 {
	data, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 1
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 1
	}
	up, err := strconv.ParseFloat(f[0], 64)
	if err != nil || up < 0.02 {
		return 1
	}
	return uint64(up*100) - 1
}

// prewarmThreads makes the Go runtime create, while it still can, the OS
// threads it may need later. Under a process limit (ulimit -u, which
// counts threads), jobs can take every process the user may have; the
// runtime then aborts pmap when it cannot create a thread, where a job
// would merely wait. The runtime keeps idle threads for reuse, so a pool
// made now is there later. It takes at most half of what the limit leaves.
func prewarmThreads() {
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NPROC, &lim) != nil || lim.Cur == unix.RLIM_INFINITY || os.Geteuid() == 0 {
		return
	}
	n := runtime.GOMAXPROCS(0) + 6
	if used, ok := userTasks(); ok {
		n = min(n, (int(lim.Cur)-used)/2)
	}
	var ready sync.WaitGroup
	release := make(chan struct{})
	ready.Add(max(n, 0))
	for range n {
		go func() {
			// A goroutine locked to its thread while it waits keeps the
			// thread to itself: n of them need n threads. Unlocked before
			// it exits, the thread goes back to the runtime's idle pool.
			runtime.LockOSThread()
			ready.Done()
			<-release
			runtime.UnlockOSThread()
		}()
	}
	ready.Wait()
	close(release)
}

// userTasks counts the threads of the processes of pmap's user, which
// ulimit -u limits.
func userTasks() (int, bool) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	uid := uint32(os.Getuid())
	n := 0
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name(), &st) != nil || st.Uid != uid {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// num_threads is field 20, the 18th after the command.
		i := bytes.LastIndexByte(data, ')')
		if f := strings.Fields(string(data[i+1:])); i >= 0 && len(f) > 17 {
			t, _ := strconv.Atoi(f[17])
			n += t
		}
	}
	return n, true
}
