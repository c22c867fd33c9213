package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec/job"
)

// drainGrace is how long pmap waits, after a job's main process exits, for
// its output pipes to close. A daemonised grandchild that keeps them open is
// then killed with the job's process group, so it cannot hold the run.
const drainGrace = time.Second

// Process is the backend that starts one process per job: argv as is for
// the exec backend, or `SHELL -c SCRIPT` for the shell backend. Each job runs
// in its own process group with stdin from /dev/null.
type Process struct {
	// Shell runs Command.Script (sh by default; $PMAP_SHELL, --shell).
	Shell string
	// TermSeq stops a job whose context is done.
	TermSeq TermSeq

	initOnce sync.Once
	initErr  error
	devNull  *os.File
	env      []string // environment without PMAP_SEQ, PMAP_SLOT, PMAP_KEY
	paths    sync.Map // command name -> resolved path (or error)
	groups   groups
}

func (p *Process) init() error {
	p.initOnce.Do(func() {
		p.devNull, p.initErr = os.Open(os.DevNull)
		for _, kv := range os.Environ() {
			if strings.HasPrefix(kv, "PMAP_SEQ=") || strings.HasPrefix(kv, "PMAP_SLOT=") || strings.HasPrefix(kv, "PMAP_KEY=") {
				continue
			}
			p.env = append(p.env, kv)
		}
		if p.Shell == "" {
			p.Shell = "sh"
		}
		if p.TermSeq == nil {
			p.TermSeq = DefaultTermSeq
		}
	})
	return p.initErr
}

// KillAll sends sig to the process group of every running job: the second
// Ctrl-C, which must not wait for a termination sequence.
func (p *Process) KillAll(sig syscall.Signal) { p.groups.signal(sig) }

type lookResult struct {
	path string
	err  error
}

// lookPath resolves a command name once per run: PATH does not change while
// pmap runs, and a lookup per job would cost a stat per PATH entry.
func (p *Process) lookPath(name string) (string, error) {
	if v, ok := p.paths.Load(name); ok {
		r := v.(lookResult)
		return r.path, r.err
	}
	path, err := osexec.LookPath(name)
	if errors.Is(err, osexec.ErrDot) {
		err = nil
	}
	p.paths.Store(name, lookResult{path, err})
	return path, err
}

// Run implements Runner.
func (p *Process) Run(ctx context.Context, t *job.Task) job.Outcome {
	if err := p.init(); err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	argv := t.Command.Argv
	if t.Command.IsShell() {
		// "--": a script that starts with "-" is not an option of the shell.
		argv = []string{p.Shell, "-c", "--", t.Command.Script}
	}
	if len(argv) == 0 || argv[0] == "" {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: errors.New("empty command")}
	}
	path, err := p.lookPath(argv[0])
	if err != nil {
		return startError(argv[0], err)
	}
	if ctx.Err() != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
	}

	outR, outW, err := os.Pipe()
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	stdin := p.devNull
	var stdinW *os.File
	if t.Job.Stdin != nil {
		r, w, err := os.Pipe()
		if err != nil {
			outR.Close()
			errR.Close()
			return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
		}
		stdin, stdinW = r, w
	}
	env := make([]string, len(p.env), len(p.env)+3)
	copy(env, p.env)
	env = append(env,
		"PMAP_SEQ="+strconv.FormatInt(t.Job.Seq, 10),
		"PMAP_SLOT="+strconv.Itoa(t.Slot),
		"PMAP_KEY="+t.Job.Key)
	proc, err := os.StartProcess(path, argv, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{stdin, outW, errW},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	outW.Close()
	errW.Close()
	if stdinW != nil {
		stdin.Close()
	}
	if err != nil {
		outR.Close()
		errR.Close()
		if stdinW != nil {
			stdinW.Close()
		}
		return startError(argv[0], err)
	}
	if stdinW != nil {
		// A job that does not read all of its input must not block pmap:
		// the write ends with EPIPE when the job closes or exits.
		go func() {
			stdinW.Write(t.Job.Stdin)
			stdinW.Close()
		}()
	}
	pgid := proc.Pid
	p.groups.add(pgid)
	defer p.groups.remove(pgid)

	finished := make(chan struct{})
	var stopped bool
	var stoppedMu sync.Mutex
	cancelStop := context.AfterFunc(ctx, func() {
		stoppedMu.Lock()
		stopped = true
		stoppedMu.Unlock()
		p.TermSeq.stop(pgid, finished)
	})

	copied := make(chan struct{}, 2)
	go copyStream(t.Stdout, outR, copied)
	go copyStream(t.Stderr, errR, copied)
	state, waitErr := proc.Wait()
	awaitStreams(copied, pgid, outR, errR)
	close(finished)
	cancelStop()
	// Whatever the job left behind in its group (a background process that
	// closed its output) ends with it: no job outlives its own run.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)

	stoppedMu.Lock()
	wasStopped := stopped
	stoppedMu.Unlock()
	if waitErr != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: waitErr, Stopped: wasStopped}
	}
	return outcomeOf(state, wasStopped)
}

// awaitStreams waits for both output pipes to reach EOF. Once the main
// process has exited, a grandchild still holding a pipe gets drainGrace
// before the group is killed, and one that escaped the group (setsid) gets
// another drainGrace before pmap stops reading.
func awaitStreams(copied <-chan struct{}, pgid int, pipes ...*os.File) {
	n := 0
	select {
	case <-copied:
		n++
		select {
		case <-copied:
			return
		default:
		}
	default:
	}
	timer := time.NewTimer(drainGrace)
	defer timer.Stop()
	killed := false
	for n < 2 {
		select {
		case <-copied:
			n++
		case <-timer.C:
			if !killed {
				killed = true
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
				timer.Reset(drainGrace)
				continue
			}
			for _, f := range pipes {
				_ = f.SetReadDeadline(time.Now())
			}
		}
	}
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyStream reads r to EOF into w. A failing w (a closed stdout) does not
// stop the reading: the job must not block on a full pipe while pmap stops it.
func copyStream(w io.Writer, r *os.File, done chan<- struct{}) {
	bp := copyBufs.Get().(*[]byte)
	buf := *bp
	var werr error
	for {
		n, err := r.Read(buf)
		if n > 0 && werr == nil {
			_, werr = w.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	if c, ok := w.(io.Closer); ok {
		c.Close()
	}
	r.Close()
	copyBufs.Put(bp)
	done <- struct{}{}
}

func outcomeOf(state *os.ProcessState, stopped bool) job.Outcome {
	ws, ok := state.Sys().(syscall.WaitStatus)
	if !ok {
		if state.Success() {
			return job.Outcome{Status: job.StatusOK, Stopped: stopped}
		}
		return job.Outcome{Status: job.StatusFailed, Exit: state.ExitCode(), Err: errors.New(state.String()), Stopped: stopped}
	}
	switch {
	case ws.Signaled():
		name := unix.SignalName(ws.Signal())
		if name == "" {
			name = "signal " + strconv.Itoa(int(ws.Signal()))
		}
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: name, Err: fmt.Errorf("killed by %s", name), Stopped: stopped}
	case ws.ExitStatus() == 0:
		return job.Outcome{Status: job.StatusOK, Stopped: stopped}
	default:
		return job.Outcome{Status: job.StatusFailed, Exit: ws.ExitStatus(), Err: fmt.Errorf("exit status %d", ws.ExitStatus()), Stopped: stopped}
	}
}

// startError turns a failure to start name into an outcome with the exit
// code a shell would give (127 not found, 126 not executable).
func startError(name string, err error) job.Outcome {
	switch {
	case errors.Is(err, osexec.ErrNotFound), errors.Is(err, syscall.ENOENT):
		return job.Outcome{Status: job.StatusError, Exit: 127, Err: fmt.Errorf("%s: command not found", name)}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, syscall.ENOEXEC):
		return job.Outcome{Status: job.StatusError, Exit: 126, Err: fmt.Errorf("%s: not executable", name)}
	case errors.Is(err, syscall.E2BIG):
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: argument list too long", name)}
	case errors.Is(err, syscall.EINVAL):
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: invalid argument (a NUL byte in the command?)", name)}
	}
	return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: %w", name, err)}
}

// groups is the set of running jobs' process groups.
type groups struct {
	mu   sync.Mutex
	pgid map[int]struct{}
}

func (g *groups) add(pgid int) {
	g.mu.Lock()
	if g.pgid == nil {
		g.pgid = make(map[int]struct{})
	}
	g.pgid[pgid] = struct{}{}
	g.mu.Unlock()
}

func (g *groups) remove(pgid int) {
	g.mu.Lock()
	delete(g.pgid, pgid)
	g.mu.Unlock()
}

func (g *groups) signal(sig syscall.Signal) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for pgid := range g.pgid {
		_ = syscall.Kill(-pgid, sig)
	}
}
