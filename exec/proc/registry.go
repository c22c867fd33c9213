package proc

import (
	"os"
	"sync"
)

// childKind is what a child of pmap is to the run.
type childKind uint8

const (
	// kindJob is a job's process (or an ssh client): its end frees what a
	// start waiting on a limit needs.
	kindJob childKind = iota
	// kindPersistent is a --worker process, which lives for the run.
	kindPersistent
	// kindForeign was started through os/exec (Run), whose Wait reaps it.
	kindForeign
	// kindLifeline is the run's lifeline process.
	kindLifeline
)

// spawnMu is held for reading from the start of a process until it is in
// children, and for writing by the reaper while it reaps a child it does
// not know: a child that ends at once is never taken for an orphan and
// reaped in its owner's stead.
var spawnMu sync.RWMutex

// children are the processes pmap started and someone waits for. Any other
// child of pmap is an orphan it adopted as subreaper.
var children registry

// child is a registered child: how its Wait waits for it.
type child struct {
	kind     childKind
	blocking bool        // its Wait blocks a thread (Linux)
	pidfd    int         // else its Wait polls its pidfd (Linux)
	proc     *os.Process // where os.Process.Wait waits for it (not Linux)
}

type registry struct {
	mu   sync.Mutex
	kids map[int]*child
	jobs int // kindJob processes running
}

func (r *registry) add(pid int, c *child) {
	r.mu.Lock()
	if r.kids == nil {
		r.kids = make(map[int]*child)
	}
	r.kids[pid] = c
	if c.kind == kindJob {
		r.jobs++
	}
	r.mu.Unlock()
}

// remove forgets c, reaped: pid may already name a new child.
func (r *registry) remove(pid int, c *child) {
	r.mu.Lock()
	if r.kids[pid] == c {
		delete(r.kids, pid)
		if c.kind == kindJob {
			r.jobs--
		}
	}
	r.mu.Unlock()
}

func (r *registry) get(pid int) *child {
	r.mu.Lock()
	c := r.kids[pid]
	r.mu.Unlock()
	return c
}

func (r *registry) has(pid int) bool { return r.get(pid) != nil }

// runningJobs is how many job processes are running.
func (r *registry) runningJobs() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs
}
