package slurm

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// Slurm runs each job as one srun step. It implements job.Runner.
type Slurm struct {
	// Args are the user's srun flags (--slurm-args), a template expanded
	// per job ({%}, {#}); nil for none. They come after pmap's own, so
	// that they win.
	Args *template.Template
	// ArgsHaveSrun says Args is a whole srun command (--launcher srun
	// ...): its first word is the srun to run, the rest are the flags.
	ArgsHaveSrun bool
	// Multi is set for -N/-X jobs.
	Multi bool
	// Shell runs a shell command in the step: SHELL -c SCRIPT.
	Shell string
	// Wait bounds how long a step may wait for its resources (srun -I,
	// whole seconds); 0 waits as long as Slurm does.
	Wait time.Duration
	// Alloc is the allocation the steps run in.
	Alloc Alloc
	// Name names the run's steps: each is NAME.SEQ (srun -J), by which
	// pmap finds them to cancel them.
	Name string
	// Runner runs srun on this machine: the process backend, wired by the
	// caller.
	Runner job.Runner

	canceller canceller
}

// NewName returns a name for a run's steps that no other run shares.
func NewName() string {
	var b [6]byte
	if _, err := randRead(b[:]); err != nil {
		return "pmap-" + strconv.Itoa(syscall.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return fmt.Sprintf("pmap-%x", b)
}

// stepName is the -J of job seq's step.
func (s *Slurm) stepName(seq int64) string { return s.Name + "." + strconv.FormatInt(seq, 10) }

// tag starts the line with the step's ids that the step writes first.
func (s *Slurm) tag() string { return "pmap-slurm-step:" + s.Name }

// userArgsHave reports whether the user's srun flags set one of the
// options named (long forms, with or without =VALUE).
func userArgsHave(args []string, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") {
				return true
			}
		}
	}
	return false
}

// Wrap returns the srun command that runs cmd as job j's step on slot.
func (s *Slurm) Wrap(j *job.Job, slot int, cmd job.Command) (job.Command, error) {
	var user []string
	if s.Args != nil {
		var err error
		user, err = s.Args.Argv(&template.Data{Records: j.Records, Multi: s.Multi, Seq: j.Seq, Slot: slot})
		if err != nil {
			return cmd, fmt.Errorf("--slurm-args: %w", err)
		}
	}
	srun := "srun"
	if s.ArgsHaveSrun && len(user) > 0 {
		srun, user = user[0], user[1:]
	}
	argv := []string{srun, "-Q", "-N1", "-n1", "-J", s.stepName(j.Seq)}
	// Outside an allocation each job is a Slurm job of its own, where
	// --exclusive would ask for a whole node and --mem=0 for all of its
	// memory.
	if s.Alloc.JobID != "" {
		// --exclusive: the step's CPUs are its own. A step that names no
		// memory takes all of the job's under CR_Core_Memory, and the
		// steps then run one at a time: --mem=0 gives it access to the
		// job's memory without taking it from the others.
		argv = append(argv, "--exclusive")
		if !userArgsHave(user, "--mem", "--mem-per-cpu", "--mem-per-gpu") {
			argv = append(argv, "--mem=0")
		}
	}
	if s.Wait > 0 {
		argv = append(argv, "--immediate="+strconv.Itoa(int(max((s.Wait+time.Second-1)/time.Second, 1))))
	}
	argv = append(argv, user...)
	// The step first writes its ids on stderr (taken out again by
	// stderrFilter), then becomes the job's command. It is bash when the
	// job's shell is: dash drops the variables whose names are not shell
	// names, which is how bash passes exported functions (BASH_FUNC_f%%).
	wrapper := "sh"
	if filepath.Base(s.Shell) == "bash" {
		wrapper = s.Shell
	}
	argv = append(argv, wrapper, "-c", `printf '%s %s.%s\n' "$0" "$SLURM_JOB_ID" "$SLURM_STEP_ID" >&2; exec "$@"`, s.tag())
	return job.Command{Argv: cmd.AppendWords(argv, s.Shell)}, nil
}

// Run implements job.Runner. The job's record keeps the command without
// srun.
func (s *Slurm) Run(ctx context.Context, t *job.Task) job.Outcome {
	cmd, err := s.Wrap(t.Job, t.Slot, t.Command)
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	filter := &stderrFilter{w: t.Stderr, tag: s.tag()}
	tl := *t
	tl.Command, tl.Stderr = cmd, filter
	out := s.Runner.Run(ctx, &tl)
	filter.Close()
	step, failure, report := filter.seen()
	out.Slurm = step
	if out.Status == job.StatusSignal || (out.Stopped && out.Status != job.StatusOK) {
		// srun itself was killed (a termination sequence's KILL), maybe
		// before it cancelled its step: Slurm would keep the step
		// running, holding its CPUs.
		s.canceller.cancelStep(s, step, s.stepName(t.Job.Seq))
	}
	return s.judge(out, failure, report)
}

// judge corrects the process backend's outcome of srun with what srun
// said on stderr.
func (s *Slurm) judge(out job.Outcome, failure, report string) job.Outcome {
	if out.Stopped {
		if out.Status == job.StatusOK {
			// srun exits 0 once the step it was told to stop is cancelled
			// (Slurm kills the task): the job did not run to its end.
			out.Status, out.Exit, out.Err = job.StatusError, -1, errors.New("slurm: the step was cancelled")
		}
		return out
	}
	switch {
	case failure != "":
		// srun exits 0 when the node under the step fails, and 1 or 168
		// for the steps after it: none of them ran the job to its end.
		return job.Outcome{Status: job.StatusError, Exit: out.Exit, Err: fmt.Errorf("slurm: %s", strings.TrimPrefix(failure, "srun: error: ")),
			Slurm: out.Slurm, Retryable: true}
	case out.Status == job.StatusFailed && out.Exit > 128 && out.Exit < 128+65 &&
		report != "" && !strings.HasPrefix(report, "Exited with exit code"):
		// srun passes a task's death by signal N on as exit 128+N, and
		// says which signal killed it.
		name := proc.SignalName(syscall.Signal(out.Exit - 128))
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: name, Err: fmt.Errorf("killed by %s", name), Slurm: out.Slurm}
	}
	return out
}

// KillAll is the second Ctrl-C: the run's steps are cancelled through
// Slurm before srun is killed, since a killed srun leaves its step
// running. Other signals (Ctrl-Z's SIGTSTP, SIGCONT) go to srun.
func (s *Slurm) KillAll(sig syscall.Signal) {
	job.KillAll(s.Runner, sig)
	if sig == syscall.SIGKILL {
		s.CancelAll()
	}
}

// Close closes the runner when it is an io.Closer.
func (s *Slurm) Close() error { return job.Close(s.Runner) }
