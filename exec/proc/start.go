package proc

import (
	"context"
	"os"
	osexec "os/exec"
	"strconv"
	"sync"
	"syscall"
)

// Spec is a process for Start to start.
type Spec struct {
	Path string   // the program
	Argv []string // its arguments, Argv[0] its name
	Dir  string   // its working directory; "" is pmap's
	Env  []string // its environment; nil is pmap's
	// Pgid is the process group it joins; 0 makes it the leader of a new
	// group whose id is its Pid.
	Pgid int
	// Stdin, Stdout and Stderr are its files 0, 1 and 2. A nil one gets a
	// new pipe, whose other end is the Child's.
	Stdin, Stdout, Stderr *os.File
	// Scope is the job the process belongs to; nil is the run itself (an
	// ssh client, whose master connection serves every job).
	Scope *Scope
	// Persistent marks a process that lives for the run (a --worker): one
	// ending is not to be waited for when a limit of the system is reached.
	Persistent bool
	// Collect says that the caller reads the new Stdout and Stderr pipes
	// through Child.Collect alone, which also waits for the process. On
	// Linux the pipes and the process's pidfd are then waited on together,
	// by the one goroutine that collects them (waitSet).
	Collect bool
}

// Child is a process Start started. Its Wait must be called once, whatever
// happens: it reaps the process.
type Child struct {
	Pid int
	// Stdin is the write end of the pipe that is the process's stdin, and
	// Stdout and Stderr the read ends of its output pipes, for the files
	// Spec left nil.
	Stdin, Stdout, Stderr *os.File

	kind  childKind
	entry *child // its registration, which learns how it ended
	// direct: Stdout and Stderr are out of the poller and, with its pidfd,
	// in set, for Collect to read on one goroutine.
	direct bool
	set    *waitSet
	// exitPolled: its pidfd could not join set (out of kernel memory):
	// Collect looks for its end every exitPoll.
	exitPolled bool
	// held are the write ends of a direct child's output pipes, which
	// pmap holds until the process exits (Collect).
	held []*os.File
	pgid int // its process group
}

// State is how a process ended.
type State struct{ syscall.WaitStatus }

// ExitCode is the process's exit status, or -1 when a signal killed it.
func (s State) ExitCode() int {
	if s.Exited() {
		return s.ExitStatus()
	}
	return -1
}

// String says how the process ended, as os.ProcessState does: "exit status
// 1", "signal: killed".
func (s State) String() string {
	if s.Signaled() {
		return "signal: " + s.Signal().String()
	}
	return "exit status " + strconv.Itoa(s.ExitStatus())
}

// Wait waits for the process to exit and reaps it. In a supervised run on
// Linux no OS thread is held while it waits (the run's reaper reaps it), so
// that thousands of waiting jobs cost thousands of goroutines, not
// threads.
func (c *Child) Wait() (State, error) {
	ws, err := c.entry.wait(c.Pid)
	c.reaped()
	return State{ws}, err
}

// reaped tells who waits on the process's end that it was reaped.
func (c *Child) reaped() {
	if c.kind == kindJob {
		limits.released()
	}
	afterReap()
}

// startMu serialises the creation of a process's pipes with its start once
// a limit of the system was reached (EMFILE), so that one start at a time
// holds fds it cannot use, and every other start waits for a process to
// end instead of holding half of what it needs. (Starts that failed free
// what they held before they wait.)
var startMu sync.Mutex

// Start starts s.Path as a job's process: in a process group (its own, or
// Pgid), carrying its scope's marker in its environment, killed should pmap
// die before it (Linux). When the system refuses for lack of processes or
// file descriptors (EAGAIN, EMFILE, ENFILE), Start waits for a process of
// the run to end and tries again (the run's concurrency drops to what the
// limit allows), warning once; it gives up, with that error, only when
// nothing of the run is left running to free what it needs, or ctx ends.
func Start(ctx context.Context, s *Spec) (*Child, error) {
	if sup := current.Load(); sup != nil {
		sup.sys.beforeStart(sup)
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	env = withMarker(env, s.Scope)
	kind := kindJob
	if s.Persistent {
		kind = kindPersistent
	}
	var wait limitWait
	for {
		mark := limits.mark()
		c, err := startOnce(s, env, kind)
		if err == nil || !isLimit(err) {
			return c, err
		}
		limits.warn(err)
		if !limits.wait(ctx, mark, &wait) {
			return nil, err
		}
	}
}

// startOnce creates the pipes s asks for and starts the process.
func startOnce(s *Spec, env []string, kind childKind) (*Child, error) {
	if limits.reached.Load() {
		startMu.Lock()
		defer startMu.Unlock()
	}
	c := &Child{}
	files := []*os.File{s.Stdin, s.Stdout, s.Stderr}
	var mine []*os.File // the child's ends of new pipes, closed once it started
	if s.Collect && s.Stdout == nil && s.Stderr == nil {
		c.set, c.direct = directSet()
	}
	fail := func(err error) (*Child, error) {
		if c.direct {
			for _, f := range []*os.File{c.Stdout, c.Stderr} {
				if f != nil {
					c.set.remove(int(f.Fd()))
				}
			}
			c.set.put()
		}
		for _, f := range append(mine, c.Stdin, c.Stdout, c.Stderr) {
			if f != nil {
				f.Close()
			}
		}
		return nil, err
	}
	for i, f := range files {
		if f != nil {
			continue
		}
		parent, child, err := jobPipe(i > 0, i == 0 || !c.direct)
		if err != nil {
			return fail(err)
		}
		files[i] = child
		mine = append(mine, child)
		switch i {
		case 0:
			c.Stdin = parent
		case 1:
			c.Stdout = parent
		default:
			c.Stderr = parent
		}
		if i > 0 && c.direct {
			if err := c.set.add(int(parent.Fd()), int32(i-1)); err != nil {
				return fail(err)
			}
		}
	}
	pid, h, err := spawn(s.Path, s.Argv, s.Dir, env, s.Pgid, files, true, kind, c.direct)
	if err != nil {
		return fail(err)
	}
	for _, f := range mine {
		if c.direct && (f == files[1] || f == files[2]) {
			// Kept until the process exits: its output pipes then
			// end with it, not a wake-up before it (Collect).
			c.held = append(c.held, f)
			continue
		}
		f.Close()
	}
	if c.direct && c.set.add(h.pidfd, tagExit) != nil {
		c.exitPolled = true
	}
	c.Pid, c.kind, c.entry, c.pgid = pid, kind, h, s.Pgid
	if c.pgid == 0 {
		c.pgid = pid
	}
	return c, nil
}

// Pipe is os.Pipe for a job's own plumbing (the in-process shell's output
// copies): when the fds run out (EMFILE), it waits for a process of the
// run to end and tries again, as Start does.
func Pipe(ctx context.Context) (r, w *os.File, err error) {
	var wait limitWait
	for {
		mark := limits.mark()
		r, w, err = os.Pipe()
		if err == nil || !isLimit(err) {
			return r, w, err
		}
		limits.warn(err)
		if !limits.wait(ctx, mark, &wait) {
			return nil, nil, err
		}
	}
}

// Run runs cmd (os/exec) to its end as one of the run's own processes (not
// a job's): in a process group of its own unless cmd says otherwise, with
// the run's marker, and known to pmap's reaper, which must not reap it in
// its owner's stead. It is for the few commands pmap itself runs (an ssh
// master's start and end), which block a thread while they run.
func Run(cmd *osexec.Cmd) error {
	if sup := current.Load(); sup != nil {
		sup.sys.beforeStart(sup)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = withMarker(cmd.Env, nil)
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = GroupAttr(0)
	}
	setDeathSignal(cmd.SysProcAttr)
	c := &child{kind: kindForeign}
	spawnMu.RLock()
	err := cmd.Start()
	if err == nil {
		children.add(cmd.Process.Pid, c)
	}
	spawnMu.RUnlock()
	if err != nil {
		return err
	}
	err = cmd.Wait()
	children.remove(cmd.Process.Pid, c)
	afterReap()
	return err
}
