package inprocess

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// InProcess is the backend that interprets each job's shell command inside
// pmap with an embedded POSIX/bash interpreter (mvdan.cc/sh): builtins,
// variables and redirections cost no process. External commands still run
// as processes, all of a job's in one process group, stopped with TermSeq
// like the process backend's jobs.
//
// The template is parsed once: each replacement string is a reference to a
// shell variable (template.Vars), and a job only sets the variables, so no
// value is ever read as code.
type InProcess struct {
	// TermSeq stops the external commands of a job whose context is done.
	TermSeq proc.TermSeq

	vars  *template.Vars
	multi bool
	// fixed is the parsed program when it does not depend on the job's
	// record count (template.Vars.Repeats).
	fixed *syntax.File
	// background is set when the program can leave statements running
	// after it ends (cmd &, process substitution), which the job then
	// stops and waits for.
	background bool
	// shellOnly says why auto should rather run the template in a real
	// shell ("" when nothing does).
	shellOnly string
	// patterns is set when the program removes or replaces patterns.
	patterns bool
	// stateless is set when a job cannot change its interpreter's state
	// (see stateless), so that a slot need not reset it after a job that
	// ended well.
	stateless bool
	// quiet is set when the program runs on one goroutine and never
	// lists the environment (see quietEnv).
	quiet bool

	progMu sync.Mutex
	progs  map[int]*syntax.File // programs by Vars.Reps, when words repeat

	initOnce sync.Once
	initErr  error
	devNull  *os.File
	base     *baseEnv
	paths    proc.PathCache // for the base PATH
	groups   proc.Groups    // every running job's process groups, for KillAll
	// fds bounds the jobs running at once under a low open-file limit: a
	// job's pipes are not all made through proc.Start (the interpreter
	// makes those of its pipelines).
	fds proc.FDSlots

	slotMu sync.Mutex
	slots  map[int]*slot
	spare  []*slot // made for a slot already busy
	closed bool
}

// maxPrograms bounds the programs kept for -X jobs, whose record count (and
// so program text) varies; past it a job's program is parsed for it alone.
const maxPrograms = 64

// maxProgramCache is the longest program kept: a -X job of thousands of
// records makes a large one, cheap to parse next to the job itself and
// costly to keep.
const maxProgramCache = 16 << 10

// waitAll is `wait`, run after a job with background statements so that
// none outlives it.
var waitAll = mustParse("wait")

func mustParse(src string) *syntax.File {
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil {
		panic(err)
	}
	return f
}

// New prepares the backend for a template compiled with
// template.CompileVars; multi is set for -N/-X jobs. It fails when the
// interpreter cannot parse the program, or when a value could not reach it
// intact.
func New(v *template.Vars, multi bool) (*InProcess, error) {
	ip := &InProcess{vars: v, multi: multi, progs: map[int]*syntax.File{}}
	// Checks need a program; with repeated words one record stands for all.
	f, err := parseProgram(v.Script(1))
	if err != nil {
		return nil, err
	}
	if err := checkProgram(f); err != nil {
		return nil, err
	}
	ip.background = hasBackground(f)
	ip.shellOnly = shellOnly(f)
	ip.patterns = usesPatterns(f)
	ip.stateless = !ip.background && stateless(f)
	ip.quiet = !ip.background && quietEnv(f)
	if !v.Repeats() {
		ip.fixed = f
	} else {
		ip.progs[1] = f
	}
	return ip, nil
}

// parseProgram parses a program for the interpreter (bash syntax, which
// includes POSIX sh's).
func parseProgram(src string) (*syntax.File, error) {
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if pe, ok := errors.AsType[syntax.ParseError](err); ok {
		// Its position is in the program, where replacement strings are
		// variables, not in the template the user wrote.
		return nil, fmt.Errorf("the in-process shell cannot parse the template: %s", pe.Text)
	}
	if err != nil {
		return nil, fmt.Errorf("the in-process shell cannot parse the template: %w", err)
	}
	return f, nil
}

// ShellOnly returns why the template is better run by a real shell process
// (it reads $$ or $!, sets signal traps, or calls a builtin the interpreter
// lacks, such as kill or ulimit), or "" when nothing does. auto then picks
// the shell backend.
func (ip *InProcess) ShellOnly() string { return ip.shellOnly }

// KillAll sends sig to the process groups of every running job's external
// commands: the second Ctrl-C, which must not wait for a termination
// sequence. The interpreters stop on their own once their context is done.
func (ip *InProcess) KillAll(sig syscall.Signal) { ip.groups.Signal(sig) }

func (ip *InProcess) init() error {
	ip.initOnce.Do(func() {
		ip.devNull, ip.initErr = os.Open(os.DevNull)
		ip.base = newBaseEnv(os.Environ())
		// A job whose pipeline has two external commands holds about 8.
		ip.fds.PerJob = 8
		if ip.TermSeq == nil {
			ip.TermSeq = proc.DefaultTermSeq
		}
	})
	return ip.initErr
}

// program returns the parsed program for jobs whose Vars.Reps is reps.
func (ip *InProcess) program(reps int) (*syntax.File, error) {
	if ip.fixed != nil {
		return ip.fixed, nil
	}
	ip.progMu.Lock()
	f := ip.progs[reps]
	ip.progMu.Unlock()
	if f != nil {
		return f, nil
	}
	src := ip.vars.Script(reps)
	f, err := parseProgram(src)
	if err != nil {
		return nil, err
	}
	if len(src) <= maxProgramCache {
		ip.progMu.Lock()
		if len(ip.progs) < maxPrograms {
			ip.progs[reps] = f
		}
		ip.progMu.Unlock()
	}
	return f, nil
}

// Run implements job.Runner. The job runs on the caller's goroutine: the
// engine runs each slot's jobs on one goroutine, whose stack grows to what
// the interpreter needs once.
func (ip *InProcess) Run(ctx context.Context, t *job.Task) job.Outcome {
	// The interpreter writes to the live writers itself, so nothing
	// closes them as a process's output copy does: a last line without
	// a newline (--line-buffer) is written at their Close.
	defer t.CloseWriters()
	if err := ip.init(); err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	if ctx.Err() != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
	}
	if err := ip.fds.Acquire(ctx); err != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: err, Stopped: true}
	}
	defer ip.fds.Release()
	s, err := ip.acquire(t.Slot)
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	defer ip.release(s)
	return ip.runJob(s, ctx, t)
}

// runJob runs task t on slot s.
func (ip *InProcess) runJob(s *slot, ctx context.Context, t *job.Task) job.Outcome {
	engineCtx := ctx
	// The slot holds the job's data: on the stack it would escape.
	d := &s.data
	*d = template.Data{Records: t.Job.Records, Multi: ip.multi, Seq: t.Job.Seq, Slot: t.Slot}
	defer func() { s.data = template.Data{} }()
	env := &s.env
	var err error
	if err = ip.vars.Fill(&env.vals, d); err == nil {
		env.args, err = ip.vars.AppendArgs(env.args[:0], d)
	}
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("template: %w", err)}
	}
	if err := ip.checkValues(env); err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	prog, err := ip.program(ip.vars.Reps(d))
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	// A quiet program runs on one goroutine (see quietEnv).
	env.setSeq(t.Job.Seq, !ip.quiet)
	env.key = t.Job.Key

	r := s.runner
	if !ip.stateless || !s.clean {
		r.Reset()
		s.stdinSet = false // Reset gives it the stdin it was made with
	}
	s.clean = false
	var feed *os.File
	if t.Job.HasStdin() {
		in, w, err := proc.Pipe(ctx)
		if err != nil {
			return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("stdin pipe: %w", err)}
		}
		feed = in
		// A job that does not read all of its input must not block pmap:
		// the write ends with EPIPE once the job's end closes the read end.
		go func() {
			t.Job.WriteStdin(w)
			w.Close()
		}()
		if err := interp.StdIO(in, &s.stdout, &s.stderr)(r); err != nil {
			in.Close()
			return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
		}
		s.stdinSet = true
	} else if s.stdinSet {
		// Without a reset the interpreter still reads the last job's pipe.
		if err := interp.StdIO(nil, &s.stdout, &s.stderr)(r); err != nil {
			return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
		}
		s.stdinSet = false
	}

	// A job without background statements leaves nothing running once its
	// program returns, so its state can be the slot's, reused.
	js := &s.job
	var cancel context.CancelFunc
	if ip.background {
		// Background statements run with the job's context, cancelled when
		// the job ends so that none outlives it; a straggler keeps its own
		// job state.
		js = &jobState{}
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
	}
	js.reset(ctx, ip, env)
	env.quiet = ip.quiet
	s.stdout.open(t.Stdout)
	s.stderr.open(t.Stderr)
	runErr := runSafely(r, js, prog)
	stopped := engineCtx.Err() != nil
	// A job that failed or was stopped leaves $? (and whatever an
	// interrupted statement held) behind: the next job resets.
	s.clean = runErr == nil && !stopped
	if ip.background {
		ip.endBackground(r, js, cancel)
	} else {
		js.end()
	}
	js.drain()
	js.closeFiles()
	// The slot must not keep the job's records alive.
	env.vals.Reset()
	clear(env.args)
	env.args = env.args[:0]
	// Like the process backend, a failing writer (a closed stdout) is the
	// output's concern, not the job's.
	s.stdout.close()
	s.stderr.close()
	if feed != nil {
		feed.Close()
	}
	return ip.outcome(js, runErr, stopped)
}

// runSafely runs prog, turning a panic of the interpreter into the job's
// error: a job must not take pmap down.
func runSafely(r *interp.Runner, ctx context.Context, prog *syntax.File) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("in-process shell: internal error: %v", p)
		}
	}()
	return r.Run(ctx, prog)
}

// errPatternUTF8 fails a job whose value is not valid UTF-8 when the
// program matches patterns: the interpreter cannot compile such a pattern
// (and would crash).
var errPatternUTF8 = errors.New("a value that is not valid UTF-8 cannot be used by ${x#...}, ${x%...} or ${x/...} in-process; use --backend shell")

// checkValues fails a job whose values the program cannot take.
func (ip *InProcess) checkValues(env *slotEnv) error {
	if !ip.patterns {
		return nil
	}
	for i := range env.vals.Len() {
		s, list, _ := env.vals.Get(i)
		if !utf8.ValidString(s) {
			return errPatternUTF8
		}
		for _, v := range list {
			if !utf8.ValidString(v) {
				return errPatternUTF8
			}
		}
	}
	for _, v := range env.args {
		if !utf8.ValidString(v) {
			return errPatternUTF8
		}
	}
	return nil
}

// endBackground ends a job whose program has returned while statements it
// started in the background may still run. Like the output of a shell's
// background process, they get proc.DrainGrace to finish; then the job's
// context is cancelled and its processes killed, which ends them.
func (ip *InProcess) endBackground(r *interp.Runner, js *jobState, cancel context.CancelFunc) {
	waited := make(chan struct{})
	go func() {
		_ = r.Run(context.Background(), waitAll)
		close(waited)
	}()
	t := time.NewTimer(proc.DrainGrace)
	select {
	case <-waited:
	case <-t.C:
	}
	t.Stop()
	cancel()
	js.end()
	<-waited
}

// outcome maps what the interpreter returned to an Outcome, as the process
// backend would report the same script run by sh.
func (ip *InProcess) outcome(js *jobState, err error, stopped bool) job.Outcome {
	if err == nil {
		return job.Outcome{Status: job.StatusOK, Stopped: stopped}
	}
	if stopped {
		// The interpreter ends on the first signal of the sequence, as a
		// shell without traps does; its external commands got the rest.
		sig := ip.TermSeq[0].Signal
		name := proc.SignalName(sig)
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: name, Err: fmt.Errorf("killed by %s", name), Stopped: true}
	}
	status, ok := errors.AsType[interp.ExitStatus](err)
	if !ok {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	code := int(status)
	last := js.lastExternal()
	switch {
	case last.startErr != nil && (code == 127 || code == 126):
		// The job's status is that of a command that could not start.
		return job.Outcome{Status: job.StatusError, Exit: code, Err: last.startErr}
	case last.signal != 0 && code == 128+int(last.signal):
		name := proc.SignalName(last.signal)
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: name, Err: fmt.Errorf("killed by %s", name)}
	}
	return job.Outcome{Status: job.StatusFailed, Exit: code, Err: fmt.Errorf("exit status %d", code)}
}
