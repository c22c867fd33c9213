package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"

	"github.com/pmap-dev/pmap/exec/proc"
)

// ipJob is one job of the in-process backend: the context its interpreter
// runs with (so that the exec handler finds the job from any goroutine of
// it), and the process groups of its external commands.
type ipJob struct {
	context.Context
	ip  *InProcess
	env *ipEnv

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
}

// lastCommand is how the job's last external command ended, for the
// job's outcome: its exit status is the job's when it ran last.
type lastCommand struct {
	startErr error // it could not start (status 127, 126)
	signal   syscall.Signal
}

type jobKey struct{}

// reset prepares j for a job run with ctx.
func (j *ipJob) reset(ctx context.Context, ip *InProcess, env *ipEnv) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Context, j.ip, j.env = ctx, ip, env
	j.pgid, j.pgids = 0, j.pgids[:0]
	j.ended, j.stopping = false, false
	j.finished, j.stopDone = nil, nil
	j.last, j.streams, j.files = lastCommand{}, nil, nil
}

// Value implements context.Context: the exec handler finds the job.
func (j *ipJob) Value(key any) any {
	if key == (jobKey{}) {
		return j
	}
	return j.Context.Value(key)
}

func (j *ipJob) lastExternal() lastCommand {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// execMiddleware replaces the interpreter's exec handler: pmap starts
// external commands itself, in the job's process group.
func (ip *InProcess) execMiddleware(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return ip.execCommand
}

// execCommand runs one external command of a job and returns its status
// as the interpreter expects it.
func (ip *InProcess) execCommand(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	js, _ := ctx.Value(jobKey{}).(*ipJob)
	if js == nil {
		return errors.New("in-process shell: command outside of a job")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := ip.lookPath(hc, args[0])
	if err != nil {
		out := proc.StartError(args[0], err)
		fmt.Fprintf(hc.Stderr, "%v\n", out.Err)
		js.setLast(lastCommand{startErr: out.Err})
		return interp.ExitStatus(out.Exit)
	}

	files := [3]*os.File{ip.devNull, nil, nil}
	if f, ok := hc.Stdin.(*os.File); ok && f != nil {
		files[0] = f
	}
	var streams []*stream
	var closeW []*os.File
	for i, w := range [2]io.Writer{hc.Stdout, hc.Stderr} {
		if f, ok := w.(*os.File); ok && f != nil {
			files[i+1] = f
			continue
		}
		if bf, ok := w.(*bufFile); ok {
			files[i+1] = bf.file() // a redirection: the command writes there itself
			continue
		}
		if i == 1 && w == hc.Stdout && streams != nil {
			files[2] = files[1] // 2>&1: one pipe keeps the order
			continue
		}
		r, pw, err := os.Pipe()
		if err != nil {
			for _, f := range closeW {
				f.Close()
			}
			return fmt.Errorf("in-process shell: %w", err)
		}
		files[i+1] = pw
		closeW = append(closeW, pw)
		streams = append(streams, newStream(r, w))
	}

	// What builtins wrote comes first (--line-buffer shows it now), and
	// the command reads the files the job wrote.
	for _, w := range [2]io.Writer{hc.Stdout, hc.Stderr} {
		if g, ok := w.(*gate); ok {
			_ = g.flush()
		}
	}
	js.flushFiles()
	env := js.env.environ(hc.Env)
	child, err := js.start(path, args, hc.Dir, env, files[:])
	if errors.Is(err, syscall.ENOEXEC) {
		// A script without #! line: shells run it with sh, and so do we.
		child, err = js.start(ip.shell(), append([]string{"sh", path}, args[1:]...), hc.Dir, env, files[:])
	}
	for _, f := range closeW {
		f.Close()
	}
	if err != nil {
		for _, s := range streams {
			s.r.Close()
		}
		if errors.Is(err, errJobEnded) {
			return context.Canceled
		}
		out := proc.StartError(args[0], err)
		fmt.Fprintf(hc.Stderr, "%v\n", out.Err)
		js.setLast(lastCommand{startErr: out.Err})
		return interp.ExitStatus(max(out.Exit, 1))
	}
	for _, s := range streams {
		go s.copy()
	}
	state, waitErr := child.Wait()
	js.drainAfter(streams)
	if waitErr != nil {
		return fmt.Errorf("in-process shell: %s: %w", args[0], waitErr)
	}
	ws, _ := state.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		js.setLast(lastCommand{signal: ws.Signal()})
		return interp.ExitStatus(128 + int(ws.Signal()))
	case ws.ExitStatus() != 0:
		js.setLast(lastCommand{})
		return interp.ExitStatus(ws.ExitStatus())
	}
	js.setLast(lastCommand{})
	return nil
}

func (j *ipJob) setLast(l lastCommand) {
	j.mu.Lock()
	j.last = l
	j.mu.Unlock()
}

// shell is the sh that runs scripts without a #! line.
func (ip *InProcess) shell() string {
	if p, err := osexec.LookPath("sh"); err == nil {
		return p
	}
	return "/bin/sh"
}

// lookPath finds a command as the interpreter's PATH says; names found on
// pmap's own PATH are looked up once per run.
func (ip *InProcess) lookPath(hc interp.HandlerContext, name string) (string, error) {
	look := func(name string) (string, error) {
		path, err := interp.LookPathDir(hc.Dir, hc.Env, name)
		if err != nil {
			// The interpreter's error names $PATH; proc.StartError wants
			// the standard one to tell "not found" apart.
			err = fmt.Errorf("%w: %v", osexec.ErrNotFound, err)
			if strings.Contains(name, "/") {
				if _, serr := os.Stat(filepath.Join(hc.Dir, name)); serr == nil || !errors.Is(serr, os.ErrNotExist) {
					err = syscall.EACCES
				}
			}
		}
		return path, err
	}
	if ip.base.pathAbs && !strings.Contains(name, "/") && hc.Env.Get("PATH").Str == ip.base.path {
		return ip.paths.Find(name, look)
	}
	return look(name)
}

// absolutePath reports whether every PATH entry is absolute, so that a
// lookup does not depend on the job's current directory.
func absolutePath(p string) bool {
	for _, dir := range strings.Split(p, ":") {
		if !filepath.IsAbs(dir) {
			return false
		}
	}
	return true
}

// start starts an external command of the job in the job's process group:
// the first command leads a new group, later ones join it while it exists,
// and a new group is led when it no longer does.
func (j *ipJob) start(path string, args []string, dir string, env []string, files []*os.File) (*os.Process, error) {
	attr := os.ProcAttr{Dir: dir, Env: env, Files: files}
	j.mu.Lock()
	for {
		if j.ended {
			j.mu.Unlock()
			return nil, errJobEnded
		}
		if j.pgid == 0 {
			// Lead a new group. Holding the lock makes the other commands
			// of a pipeline wait for the group to exist, and join it.
			child, err := proc.Start(0, path, args, attr)
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
		child, err := proc.Start(pgid, path, args, attr)
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
func (j *ipJob) watch() {
	if j.finished != nil {
		return
	}
	j.finished = make(chan struct{})
	j.stopDone = context.AfterFunc(j.Context, j.stop)
}

// stop sends the termination sequence to every group of the job until
// the job ends. One sequence covers all groups, so that each signal
// reaches all of the job's processes at once.
func (j *ipJob) stop() {
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
func (j *ipJob) end() {
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
}

// drainAfter waits for a command's output copies once it has exited.
// Output to the job's stdout or stderr still open after drainGrace (a
// grandchild holds the pipe) is left to the job's end, so that the job's
// next statements do not wait for it, as with a shell. Output captured by
// $(...) is waited for to the end, as a shell does, unless the job is
// being stopped.
func (j *ipJob) drainAfter(streams []*stream) {
	if len(streams) == 0 {
		return
	}
	deadline := time.NewTimer(proc.DrainGrace)
	defer deadline.Stop()
	expired := false
	for _, s := range streams {
		if _, ok := s.w.(*gate); !ok {
			s.await(j.Done())
			continue
		}
		if !expired {
			select {
			case <-s.done:
				continue
			case <-deadline.C:
				expired = true
			}
		}
		select {
		case <-s.done:
		default:
			j.mu.Lock()
			j.streams = append(j.streams, s)
			j.mu.Unlock()
		}
	}
}

// drain finishes the output copies left running after the job's end has
// killed its groups: a process that left the groups (setsid) and holds a
// pipe gets drainGrace, then pmap stops reading.
func (j *ipJob) drain() {
	j.mu.Lock()
	streams := j.streams
	j.streams = nil
	j.mu.Unlock()
	for _, s := range streams {
		s.await(closedChan)
	}
}

// closedChan is a channel that is always closed.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// stream copies a command's output pipe to the job's writer.
type stream struct {
	r    *os.File
	w    io.Writer
	done chan struct{}
}

func newStream(r *os.File, w io.Writer) *stream {
	return &stream{r: r, w: w, done: make(chan struct{})}
}

// await waits for the copy to end; once stop is closed, a process that
// still holds the pipe gets drainGrace, then pmap stops reading.
func (s *stream) await(stop <-chan struct{}) {
	select {
	case <-s.done:
		return
	case <-stop:
	}
	t := time.NewTimer(proc.DrainGrace)
	defer t.Stop()
	select {
	case <-s.done:
		return
	case <-t.C:
	}
	_ = s.r.SetReadDeadline(time.Now())
	<-s.done
}

// copy reads the pipe to EOF; a failing writer does not stop the reading,
// so that the command never blocks on a full pipe.
func (s *stream) copy() {
	proc.Copy(s.w, s.r)
	s.r.Close()
	close(s.done)
}
