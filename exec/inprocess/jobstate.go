package inprocess

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec/proc"
)

// jobState is one job of the in-process backend: the context its interpreter
// runs with (so that the exec handler finds the job from any goroutine of
// it), and the process groups of its external commands.
type jobState struct {
	context.Context
	ip  *InProcess
	env *slotEnv

	mu       sync.Mutex
	pgid     int   // the group new commands join; 0 before the first
	pgids    []int // every group the job used
	ended    bool  // no command may start any more
	stopping bool  // the termination sequence was started
	finished chan struct{}
	stopDone func() bool // unregisters the AfterFunc
	last     lastCommand
	// streams are output copies still running after their command
	// exited (a grandchild holds the pipe); the job's end finishes them.
	streams []*stream
	// files are the job's redirections to files, closed at its end.
	files []*bufFile
	// scope holds every process the job starts: what is left of it outside
	// its groups (setsid) is killed at its end.
	scope proc.Scope
}

// lastCommand is how the job's last external command ended, for the
// job's outcome: its exit status is the job's when it ran last.
type lastCommand struct {
	startErr error // it could not start (status 127, 126)
	signal   syscall.Signal
}

type jobKey struct{}

// reset prepares j for a job run with ctx.
func (j *jobState) reset(ctx context.Context, ip *InProcess, env *slotEnv) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Context, j.ip, j.env = ctx, ip, env
	j.pgid, j.pgids = 0, j.pgids[:0]
	j.ended, j.stopping = false, false
	j.finished, j.stopDone = nil, nil
	j.last, j.streams, j.files = lastCommand{}, nil, nil
}

// Value implements context.Context: the exec handler finds the job.
func (j *jobState) Value(key any) any {
	if key == (jobKey{}) {
		return j
	}
	return j.Context.Value(key)
}

func (j *jobState) lastExternal() lastCommand {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

func (j *jobState) setLast(l lastCommand) {
	j.mu.Lock()
	j.last = l
	j.mu.Unlock()
}

// start starts an external command of the job in the job's process group:
// the first command leads a new group, later ones join it while it exists,
// and a new group is led when it no longer does.
func (j *jobState) start(path string, args []string, dir string, env []string, files []*os.File) (*proc.Child, error) {
	spec := proc.Spec{Path: path, Argv: args, Dir: dir, Env: env, Stdin: files[0], Stdout: files[1], Stderr: files[2], Scope: &j.scope}
	j.mu.Lock()
	for {
		if j.ended {
			j.mu.Unlock()
			return nil, errJobEnded
		}
		if j.pgid == 0 {
			// Lead a new group. Holding the lock makes the other commands
			// of a pipeline wait for the group to exist, and join it.
			spec.Pgid = 0
			child, err := proc.Start(j, &spec)
			if err != nil {
				j.mu.Unlock()
				return nil, err
			}
			j.pgid = child.Pid
			j.pgids = append(j.pgids, child.Pid)
			j.ip.groups.Add(child.Pid)
			j.watch()
			j.mu.Unlock()
			return child, nil
		}
		pgid := j.pgid
		j.mu.Unlock()
		spec.Pgid = pgid
		child, err := proc.Start(j, &spec)
		j.mu.Lock()
		if err == nil {
			if j.ended || j.stopping {
				// The job ended or is being stopped while this one
				// started: it gets what the group got.
				_ = syscall.Kill(child.Pid, syscall.SIGKILL)
			}
			j.mu.Unlock()
			return child, nil
		}
		if !errors.Is(err, syscall.EPERM) && !errors.Is(err, syscall.ESRCH) {
			j.mu.Unlock()
			return nil, err
		}
		// The group is gone (all its processes ended): lead a new one.
		if j.pgid == pgid {
			j.pgid = 0
		}
	}
}

// watch starts the termination sequence on the job's groups when its
// context is done; it is armed with the first group, as a job that never
// starts a process has nothing to signal. Called with j.mu held.
func (j *jobState) watch() {
	if j.finished != nil {
		return
	}
	j.finished = make(chan struct{})
	j.stopDone = context.AfterFunc(j.Context, j.stop)
}

// stop sends the termination sequence to every group of the job until
// the job ends. One sequence covers all groups, so that each signal
// reaches all of the job's processes at once.
func (j *jobState) stop() {
	j.mu.Lock()
	j.stopping = true
	finished := j.finished
	j.mu.Unlock()
	j.ip.TermSeq.Run(func(sig syscall.Signal) bool {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.finished != finished || j.ended {
			return false // the job ended (and its state may serve the next job)
		}
		for _, g := range j.pgids {
			proc.SignalGroup(g, sig)
		}
		return true
	}, finished)
}

// end is called when the job's program has returned: no command starts any
// more, and whatever the job left running in its groups is killed, so that
// no job outlives its own run.
func (j *jobState) end() {
	j.mu.Lock()
	j.ended = true
	pgids := slices.Clone(j.pgids)
	if j.finished != nil {
		close(j.finished)
		j.stopDone()
	}
	j.mu.Unlock()
	for _, g := range pgids {
		proc.SignalGroup(g, syscall.SIGKILL)
		j.ip.groups.Remove(g)
	}
	j.scope.End()
}
