package proc

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
)

// Options are what Supervise needs of the run.
type Options struct {
	// Warn receives the run's warnings (pmap: warning: ...): a limit of
	// the system holds jobs back, the lifeline could not start.
	Warn io.Writer
}

// supervision is the run that Supervise watches over.
type supervision struct {
	runID  string
	marker string // "PMAP_RUN_<runID>=", the start of each process's marker
	warn   io.Writer
	sys    sysSupervision // what the system offers (Linux: subreaper, lifeline)
}

// current is the supervised run, nil outside of one.
var current atomic.Pointer[supervision]

// Supervise makes pmap answer for every process the run starts and every
// process those start, until end is called (after the last job ended):
//
//   - each process carries the run's marker in its environment
//     (PMAP_RUN_<id>=<scope>), so that one that left its job's process
//     group (setsid, a daemon) is still known for the job's;
//   - on Linux, pmap is a child subreaper: such a process is adopted by
//     pmap rather than by init when its parent ends, is killed when its
//     Scope ends (the job's end, timeout or stop) and reaped when it exits,
//     and end kills whatever is left;
//   - on Linux, a lifeline process (pmap in a hidden mode) kills every
//     process with the run's marker, and removes what RemoveIfKilled
//     named, should pmap die without calling end (kill -9);
//   - a start that hits a limit of the system says so once on Warn.
//
// A run inside a supervised one (tests call pmap's run in-process) is
// supervised by the outer one: its end does nothing.
func Supervise(o Options) (end func()) {
	var id [12]byte
	_, _ = rand.Read(id[:])
	s := &supervision{runID: hex.EncodeToString(id[:]), warn: o.Warn}
	s.marker = markerPrefix + s.runID + "="
	if !current.CompareAndSwap(nil, s) {
		return func() {}
	}
	limits.warned.Store(false)
	limits.reached.Store(false)
	s.sys.start(s)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.sys.end(s)
			current.Store(nil)
		})
	}
}

// RemoveIfKilled names a path (the ssh control sockets' directory) that
// the lifeline removes should pmap die without ending its run; pmap
// removes it itself otherwise.
func RemoveIfKilled(path string) {
	if s := current.Load(); s != nil {
		s.sys.removeIfKilled(s, path)
	}
}

// RunIfKilled names a command (argv) that the lifeline runs, before it
// kills the run's processes, should pmap die without ending its run: the
// scancel of the run's Slurm steps, which a killed srun leaves running.
// The command gets at most ten seconds.
func RunIfKilled(argv []string) {
	if s := current.Load(); s != nil && len(argv) > 0 {
		s.sys.runIfKilled(s, argv)
	}
}

// markerPrefix starts the name of a run's marker variable.
const markerPrefix = "PMAP_RUN_"

// warnWriter is where the supervised run's warnings go; nil outside of one.
func warnWriter() io.Writer {
	if s := current.Load(); s != nil {
		return s.warn
	}
	return nil
}

// withMarker returns env with the marker of scope (the run's own for nil)
// appended, in a new slice; env itself outside of a supervised run.
func withMarker(env []string, scope *Scope) []string {
	s := current.Load()
	if s == nil {
		return env
	}
	var id uint64
	if scope != nil {
		id = scope.use()
	}
	out := make([]string, len(env), len(env)+1)
	copy(out, env)
	return append(out, s.marker+strconv.FormatUint(id, 10))
}

// Scope is the processes of one job (or of one --worker process) and
// every process they start. Each carries the scope's id in its marker, so
// that one that escaped the job's process group is still the job's: when
// the scope ends, pmap (a subreaper on Linux) kills what it adopted of it.
// The zero value is ready to use, and a Scope serves again after End.
type Scope struct {
	id atomic.Uint64 // 0 until a process is started in it
}

// scopeIDs numbers scopes; 0 is the run's own.
var scopeIDs atomic.Uint64

// liveScopes are the scopes in use: an adopted process whose scope is not
// among them belongs to a job that ended.
var liveScopes struct {
	sync.Mutex
	ids map[uint64]struct{}
}

// use returns the scope's id, giving it one on first use.
func (s *Scope) use() uint64 {
	if id := s.id.Load(); id != 0 {
		return id
	}
	id := scopeIDs.Add(1)
	liveScopes.Lock()
	if liveScopes.ids == nil {
		liveScopes.ids = make(map[uint64]struct{})
	}
	liveScopes.ids[id] = struct{}{}
	liveScopes.Unlock()
	if s.id.CompareAndSwap(0, id) {
		return id
	}
	scopeEnded(id) // another start gave it one first
	return s.id.Load()
}

// End ends the scope once its job has ended: what its processes left
// running that pmap adopted (a setsid'd or daemonised process) is killed
// soon after, without holding up the caller. A scope in which no process
// started costs nothing here.
func (s *Scope) End() {
	if id := s.id.Swap(0); id != 0 {
		scopeEnded(id)
		sweepSoon()
	}
}

func scopeEnded(id uint64) {
	liveScopes.Lock()
	delete(liveScopes.ids, id)
	liveScopes.Unlock()
}

// scopeLive reports whether scope id is in use; the run's own (0) always
// is.
func scopeLive(id uint64) bool {
	if id == 0 {
		return true
	}
	liveScopes.Lock()
	_, ok := liveScopes.ids[id]
	liveScopes.Unlock()
	return ok
}
