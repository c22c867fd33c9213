package process

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

// Process is the backend that starts one process per job: argv as is for
// the exec backend, or `SHELL -c SCRIPT` for the shell backend. Each job runs
// in its own process group with stdin from /dev/null.
type Process struct {
	// Shell runs Command.Script (sh by default; $PMAP_SHELL, --shell).
	Shell string
	// TermSeq stops a job whose context is done.
	TermSeq proc.TermSeq

	initOnce sync.Once
	initErr  error
	devNull  *os.File
	env      []string // environment a job inherits (proc.BaseEnv)
	paths    proc.PathCache
	groups   proc.Groups
}

func (p *Process) init() error {
	p.initOnce.Do(func() {
		p.devNull, p.initErr = os.Open(os.DevNull)
		p.env = proc.BaseEnv(os.Environ())
		if p.Shell == "" {
			p.Shell = "sh"
		}
		if p.TermSeq == nil {
			p.TermSeq = proc.DefaultTermSeq
		}
	})
	return p.initErr
}

// KillAll sends sig to the process group of every running job: the second
// Ctrl-C, which must not wait for a termination sequence.
func (p *Process) KillAll(sig syscall.Signal) { p.groups.Signal(sig) }

// collectDirect says whether a job's output pipes and its exit are
// waited for together by one goroutine (proc.Spec.Collect: an epoll set
// in the runtime's poller) rather than by a goroutine per pipe and a wait
// of its own. Off: in one quiet run of compare.sh (5 alternating rounds,
// 3,000 x `true`), the direct way ran at 0.91 of the C posix_spawn loop
// where the pmap build from before it ran at 1.01, and 4 alternating
// rounds of the two ways (same build) gave 0.98 of the loop without it,
// 0.89 with it, and 16-21k against 43-45k voluntary context switches:
// the runtime wakes more threads for the one goroutine on a nested epoll
// set than for the two in the poller and the thread in wait. Measured at
// load averages of 5-10 the direct way had won (fewer system calls).
const collectDirect = false

// Run implements job.Runner.
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
	path, err := p.paths.LookPath(argv[0])
	if err != nil {
		return proc.StartError(argv[0], err)
	}
	if ctx.Err() != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
	}

	var stdin *os.File // nil: a pipe, which Start makes
	if !t.Job.HasStdin() {
		stdin = p.devNull
	}
	env := make([]string, len(p.env), len(p.env)+3)
	copy(env, p.env)
	env = append(env,
		"PMAP_SEQ="+strconv.FormatInt(t.Job.Seq, 10),
		"PMAP_SLOT="+strconv.Itoa(t.Slot),
		"PMAP_KEY="+t.Job.Key)
	var scope proc.Scope
	defer scope.End()
	child, err := proc.Start(ctx, &proc.Spec{Path: path, Argv: argv, Env: env, Stdin: stdin, Scope: &scope, Collect: collectDirect})
	if err != nil {
		if ctx.Err() != nil {
			return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
		}
		return proc.StartError(argv[0], err)
	}
	if stdinW := child.Stdin; stdinW != nil {
		// A job that does not read all of its input must not block pmap:
		// the write ends with EPIPE when the job closes or exits.
		go func() {
			t.Job.WriteStdin(stdinW)
			stdinW.Close()
		}()
	}
	pgid := child.Pid
	p.groups.Add(pgid)
	defer p.groups.Remove(pgid)

	finished := make(chan struct{})
	var stopped bool
	var stoppedMu sync.Mutex
	cancelStop := context.AfterFunc(ctx, func() {
		stoppedMu.Lock()
		stopped = true
		stoppedMu.Unlock()
		p.TermSeq.Stop(pgid, finished)
	})

	state, waitErr := child.Collect(t.Stdout, t.Stderr)
	close(finished)
	cancelStop()
	// Whatever the job left behind in its group (a background process that
	// closed its output) ends with it: no job outlives its own run.
	proc.SignalGroup(pgid, syscall.SIGKILL)

	stoppedMu.Lock()
	wasStopped := stopped
	stoppedMu.Unlock()
	if waitErr != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: waitErr, Stopped: wasStopped}
	}
	return proc.OutcomeOf(state, wasStopped)
}
