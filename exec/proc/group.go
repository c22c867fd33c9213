package proc

import (
	"sync"
	"syscall"
)

// GroupAttr is the SysProcAttr of a command started through os/exec
// (Cmd.SysProcAttr) in process group pgid, or in a new one when pgid is 0,
// as Start does. A job in a group of its own can be stopped as a whole
// (TermSeq.Stop), whatever it started, without touching pmap.
func GroupAttr(pgid int) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
}

// SignalGroup sends sig to every process of group pgid. A group that has
// already ended has nothing left to stop, so the error is not reported.
func SignalGroup(pgid int, sig syscall.Signal) {
	_ = syscall.Kill(-pgid, sig)
}

// Groups is the set of running jobs' process groups of one backend, so
// that the second Ctrl-C reaches them all at once (Runner's KillAll). The
// zero value is ready to use.
type Groups struct {
	mu   sync.Mutex
	pgid map[int]struct{}
}

// Add records the running group pgid.
func (g *Groups) Add(pgid int) {
	g.mu.Lock()
	if g.pgid == nil {
		g.pgid = make(map[int]struct{})
	}
	g.pgid[pgid] = struct{}{}
	g.mu.Unlock()
}

// Remove forgets group pgid once its job has ended.
func (g *Groups) Remove(pgid int) {
	g.mu.Lock()
	delete(g.pgid, pgid)
	g.mu.Unlock()
}

// Signal sends sig to every group recorded.
func (g *Groups) Signal(sig syscall.Signal) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for pgid := range g.pgid {
		SignalGroup(pgid, sig)
	}
}
