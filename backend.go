package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/inprocess"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/process"
	"github.com/pmap-dev/pmap/exec/remote"
	"github.com/pmap-dev/pmap/exec/slurm"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/exec/worker"
)

// backend is how a run's jobs run, chosen once from the options by
// newBackend: the templates compiled for it, the runner, and the worker
// count.
type backend struct {
	// expand gives each job its command; with --worker, the command its
	// records and logs show (the worker command and the record).
	expand job.Expander
	// runner runs the jobs: exec or shell processes, the in-process
	// shell, persistent workers, remote hosts or a launcher, wrapped for
	// --pipe.
	runner job.Runner
	// process starts the jobs' processes (also behind a launcher and for
	// the ":" login); the second Ctrl-C kills what it started.
	process *process.Process
	// key and tagString are the compiled --key and --tagstring; nil
	// when not given.
	key, tagString *template.Template
	// workers is the number of slots: -n, or with --ssh the sum of the
	// hosts' slots, estimated until start connects (--dry-run's {%}).
	workers int

	// total is the number of jobs, {##}: set by countJobs before the first
	// job when a template uses it. Templates hold a pointer to it.
	total int64
	// fields are the templates that read records' named fields, checked
	// against a --header before the first job (checkHeader).
	fields []fieldTemplate

	// bashFunc is the exported bash function the template names, or ""
	// (bashfunc.go): looked for once, since the environment is scanned.
	bashFunc string

	persistent *worker.Persistent
	remote     *remote.Remote
	slurm      *slurm.Slurm
	closeOnce  sync.Once
}

// newBackend compiles the templates and chooses the runner: the one place
// that decides which backend runs the jobs. Nothing starts here; start
// does that once the run begins.
func newBackend(o *options) (*backend, error) {
	fn := bashFunction(o, os.Environ())
	b := &backend{
		process:  &process.Process{Shell: shellFor(o, fn), TermSeq: o.termSeq},
		workers:  o.workers,
		bashFunc: fn,
	}
	var err error
	if o.worker {
		err = b.useWorker(o)
	} else {
		err = b.useCommand(o)
	}
	if err != nil {
		return nil, err
	}
	if b.key, err = compilePlain(o, "--key", o.key, &b.total); err != nil {
		return nil, err
	}
	if b.tagString, err = compilePlain(o, "--tagstring", o.tagString, &b.total); err != nil {
		return nil, err
	}
	b.fields = append(b.fields, fieldTemplate{"--key", o.key, b.key}, fieldTemplate{"--tagstring", o.tagString, b.tagString})
	if b.usesTotal() && (o.packed() || o.pipe) {
		return nil, usagef("use -N to give each job a fixed number of records",
			"{##} (the number of jobs) is not known in advance with -X or --pipe")
	}
	if o.pipe {
		// A job has no record, so a replacement string that needs one
		// ({1}, {name}) could only fail every job: say so once, up front.
		if _, err := b.expand.Command(&job.Job{Seq: 1, Key: "1", Stdin: []byte{}}, 1); err != nil {
			return nil, fmt.Errorf("--pipe: %w (a --pipe job's input is its stdin; {} is empty, {#} and {%%} work)", err)
		}
		b.runner = &exec.PipeRunner{Runner: b.runner, Retries: o.retries}
	}
	return b, nil
}

// templateMode is how --backend reads the command template: as shell code
// or as an argv, and whether the in-process shell may run it. named says
// whether records' fields are replacement strings in it (not in a worker
// command, which sees no record). bashFunc is bashFunction's answer.
func templateMode(o *options, named bool, bashFunc string) (shell, inprocess bool) {
	switch o.backend {
	case backendShell:
		return true, false
	case backendInProcess:
		return true, true
	case backendExec:
		return false, false
	}
	if bashFunc != "" {
		return true, false // bash, which knows the function (bashfunc.go)
	}
	shell = template.NeedsShell(o.words, template.Options{Named: named, Vars: o.vars, Remote: len(o.hosts) > 0})
	return shell, shell
}

// useCommand sets up a run of one command per job: on this machine as a
// process or in the in-process shell, behind a launcher, or on remote
// hosts.
func (b *backend) useCommand(o *options) error {
	shell, inprocess := templateMode(o, o.named(), b.bashFunc)
	var opts template.Options
	if len(o.words) > 0 {
		mode := template.Exec
		if shell {
			mode = template.Shell
		}
		// -N repeats a word holding {} per record, as -X does: GNU parallel
		// gives `-N2 cp {} dest/` two arguments, not one joined by a space.
		opts = template.Options{Mode: mode, Vars: o.vars, Named: o.named(), ContextReplace: o.multi(),
			NoAppend: o.pipe || o.noArgs, NoArgs: o.noArgs, Remote: len(o.hosts) > 0, Total: &b.total}
		if o.perSlot() {
			// Each slot compiles its own values (compilePerSlot); this
			// compile needs their names to know {NAME} is no typo.
			opts.Vars = o.slotVarsFor(1)
		}
		t, err := template.Compile(o.words, opts)
		if err != nil {
			return commandError("", strings.Join(o.words, " "), err)
		}
		b.expand = job.Expander{Template: t, Shell: shell, Multi: o.multi()}
		if o.mArgs {
			if err := t.CheckWholeWords(); err != nil {
				return commandError("", strings.Join(o.words, " "), err)
			}
		}
		b.fields = append(b.fields, fieldTemplate{"", strings.Join(o.words, " "), t})
		if b.expand.PerSlot, err = compilePerSlot(o, o.words, opts); err != nil {
			return commandError("", strings.Join(o.words, " "), err)
		}
	}

	var launcher *remote.Launcher
	if o.launcher != "" {
		t, err := template.Compile([]string{o.launcher}, template.Options{
			Mode: template.Exec, Vars: o.vars, Named: o.named(), NoAppend: true, Remote: len(o.hosts) > 0, Total: &b.total,
		})
		if err != nil {
			return commandError("--launcher", o.launcher, err)
		}
		b.fields = append(b.fields, fieldTemplate{"--launcher", o.launcher, t})
		launcher = &remote.Launcher{Template: t, Multi: o.multi(), Shell: o.shell}
	}

	switch {
	case len(o.hosts) > 0:
		b.remote = &remote.Remote{
			Hosts: o.hosts,
			SSH:   o.sshCmd,
			Workers: func(cpus int) (int, error) {
				return exec.ParseWorkers(o.workersSpec, cpus)
			},
			LocalCPUs:      exec.CPUs(),
			Expand:         &b.expand,
			HostInTemplate: strings.Contains(strings.Join(o.words, " "), "{host}"),
			Launcher:       launcher,
			Shell:          o.shell,
			Local:          b.process,
			TermSeq:        o.termSeq,
		}
		b.runner = b.remote
		// The slots of the hosts whose CPUs are asked are known once
		// connected (start); until then each counts as this machine.
		b.workers = 0
		for _, h := range o.hosts {
			n := h.Slots
			if n == 0 {
				n = o.workers
			}
			b.workers += n
		}
	case launcher != nil:
		b.runner = &remote.Launched{Launcher: launcher, Runner: b.process}
	case o.slurm:
		s := &slurm.Slurm{Multi: o.multi(), Shell: b.process.Shell, Wait: o.slurmWait,
			Alloc: o.alloc, Name: slurm.NewName(), Runner: b.process, ArgsHaveSrun: o.slurmLauncher}
		if o.slurmArgs != "" {
			flag := "--slurm-args"
			if o.slurmLauncher {
				flag = "--launcher"
			}
			t, err := template.Compile([]string{o.slurmArgs}, template.Options{
				Mode: template.Exec, Vars: o.vars, Named: o.named(), NoAppend: true,
			})
			if err != nil {
				return commandError(flag, o.slurmArgs, err)
			}
			s.Args = t
		}
		b.slurm, b.runner = s, s
	case inprocess && len(o.words) > 0 && !o.perSlot():
		// The in-process shell compiles one program for every slot: a
		// per-slot command runs as a shell process instead.
		ip, err := newInProcess(o, opts)
		if err != nil {
			return err
		}
		b.runner = b.process
		if ip != nil {
			b.runner = ip
		}
	default:
		b.runner = b.process
	}
	return nil
}

// newInProcess returns the in-process shell runner for the template.
//
// With --backend auto it returns no runner (and no error) when a real shell
// suits the template better, so that the shell backend runs it: --shell or
// PMAP_SHELL names a shell, the template uses what only a shell process has
// ($$, $!, signal traps, kill, ulimit...), or the interpreter cannot take
// it. With --backend inprocess those are errors, except the process
// features, which then behave as the man page says.
func newInProcess(o *options, opts template.Options) (*inprocess.InProcess, error) {
	auto := o.backend == backendAuto
	if auto && o.shellSet {
		return nil, nil
	}
	v, err := template.CompileVars(o.words, opts)
	if err == nil {
		var ip *inprocess.InProcess
		if ip, err = inprocess.New(v, o.multi()); err == nil {
			if auto && ip.ShellOnly() != "" {
				return nil, nil
			}
			ip.TermSeq = o.termSeq
			return ip, nil
		}
	}
	if auto {
		return nil, nil
	}
	return nil, usagef("", "--backend inprocess: %v", err)
}

// useWorker sets up persistent workers (--worker): the template is the
// worker program, started once per slot; the record is a line on its
// stdin.
func (b *backend) useWorker(o *options) error {
	shell, _ := templateMode(o, false, b.bashFunc)
	mode := template.Exec
	if shell {
		mode = template.Shell
	}
	// No record reaches the worker command, so {name} is not a field
	// here: awk '{print}' keeps its braces even with --json.
	opts := template.Options{Mode: mode, Vars: o.vars, NoAppend: true, Worker: true}
	if o.perSlot() {
		opts.Vars = o.slotVarsFor(1) // the names; each slot compiles its values
	}
	t, err := template.Compile(o.words, opts)
	if err != nil {
		return commandError("--worker", strings.Join(o.words, " "), err)
	}
	if b.persistent, err = worker.NewPersistent(t, shell, o.workerRestarts); err != nil {
		return usagef("use PMAP_SLOT or {%} in the worker; read records from stdin", "--worker: %v", err)
	}
	if b.persistent.PerSlot, err = compilePerSlot(o, o.words, opts); err != nil {
		return commandError("--worker", strings.Join(o.words, " "), err)
	}
	b.persistent.ShellPath, b.persistent.TermSeq = b.process.Shell, o.termSeq
	b.persistent.Records = o.workerWindow
	b.runner = b.persistent

	// Records show the worker command as written (with {%} kept, so that
	// --resume matches a record whatever slot ran it) and the record as
	// one more word.
	shown := make([]string, 0, len(o.words)+1)
	for _, w := range o.words {
		shown = append(shown, strings.ReplaceAll(w, "{%}", "{{%}}"))
	}
	if o.perSlot() {
		for k, w := range shown {
			for name := range opts.Vars {
				if _, global := o.vars[name]; !global {
					w = strings.ReplaceAll(w, "{"+name+"}", "{{"+name+"}}")
				}
			}
			shown[k] = w
		}
	}
	opts.NoAppend = false
	d, err := template.Compile(append(shown, "{}"), opts)
	if err != nil {
		return commandError("--worker", strings.Join(o.words, " "), err)
	}
	b.expand = job.Expander{Template: d, Shell: shell}
	return nil
}

// compilePlain compiles a --key or --tagstring template; nil for "".
func compilePlain(o *options, flag, s string, total *int64) (*template.Template, error) {
	if s == "" {
		return nil, nil
	}
	t, err := template.Compile([]string{s}, template.Options{Mode: template.Plain, Vars: o.vars, Named: o.named(), NoAppend: true, Total: total})
	if err != nil {
		return nil, commandError(flag, s, err)
	}
	return t, nil
}

// start begins the run's long-lived state and returns the number of slots:
// it connects to the --ssh hosts (whose CPUs decide their slots), and
// gives workers and remote hosts the run's stderr (with --progress, the
// writer that keeps the progress line clean).
func (b *backend) start(stderr io.Writer) (workers int, err error) {
	if b.persistent != nil {
		b.persistent.Stderr = stderr
	}
	if b.slurm != nil {
		// Should pmap be killed, its steps are cancelled: a killed srun
		// leaves its step running.
		proc.RunIfKilled(b.slurm.CancelIfKilledScript())
		if b.slurm.Alloc.JobID == "" {
			fmt.Fprintln(stderr, "pmap: warning: --slurm outside an allocation: each job queues as a Slurm job of its own, -n counts this machine's CPUs; run pmap inside salloc or sbatch to run the jobs as steps")
		}
	}
	if b.remote != nil {
		b.remote.Warn = stderr
		n, err := b.remote.Start()
		if err != nil {
			b.remote.Close()
			return 0, err
		}
		b.workers = n
	}
	return b.workers, nil
}

// kill sends SIGKILL at once to everything the run started: the second
// Ctrl-C.
func (b *backend) kill() { b.signal(syscall.SIGKILL) }

// signal sends sig to the process group of every running job, persistent
// workers and ssh clients included: SIGKILL, or Ctrl-Z's SIGTSTP and the
// SIGCONT that resumes them.
func (b *backend) signal(sig syscall.Signal) {
	if b.slurm != nil && sig == syscall.SIGKILL {
		// Cancelled through Slurm before srun dies: a killed srun
		// leaves its step running.
		b.slurm.CancelAll()
	}
	b.process.KillAll(sig)
	job.KillAll(b.runner, sig)
}

// close ends the runner's long-lived state (workers, ssh masters) once
// the run is over, or once it stops before its jobs start; the second call
// does nothing.
func (b *backend) close() {
	b.closeOnce.Do(func() {
		job.Close(b.runner)
		if b.slurm != nil {
			// No step of the run outlives it, whatever stopped it.
			b.slurm.CancelAll()
		}
	})
}
