package remote

import (
	"context"
	"fmt"
	"syscall"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
)

// Launcher puts the launcher of a cluster engine in front of every job's
// command (--launcher): `srun -N1 -n1 --exclusive` for Slurm,
// `kubectl exec -i pod-{%} --` for Kubernetes. The engine places and runs
// the job; pmap still schedules, captures output and records results.
type Launcher struct {
	// Template is the launcher, compiled in template.Exec mode without
	// appending the record; it is expanded per job ({%}, {#}, {host}...).
	Template *template.Template
	// Multi is set for -N/-X jobs.
	Multi bool
	// Shell runs a shell command behind the launcher: SHELL -c SCRIPT.
	Shell string
}

// Wrap returns cmd behind the launcher: the launcher's argv, then the
// job's argv, or SHELL -c SCRIPT for a shell command.
func (l *Launcher) Wrap(j *job.Job, slot int, host string, cmd job.Command) (job.Command, error) {
	pre, err := l.Template.Argv(&template.Data{Records: j.Records, Multi: l.Multi, Seq: j.Seq, Slot: slot, Host: host})
	if err != nil {
		return cmd, fmt.Errorf("--launcher: %w", err)
	}
	argv := make([]string, 0, len(pre)+len(cmd.Argv)+4)
	argv = append(argv, pre...)
	return job.Command{Argv: cmd.AppendWords(argv, l.Shell)}, nil
}

// Launched runs jobs behind a launcher on this machine.
type Launched struct {
	// Launcher is put in front of every job's command.
	Launcher *Launcher
	// Runner runs the launcher's command on this machine: the process
	// backend, wired by the caller.
	Runner job.Runner
}

// Run implements job.Runner. The job's record keeps the command without the
// launcher.
func (l *Launched) Run(ctx context.Context, t *job.Task) job.Outcome {
	cmd, err := l.Launcher.Wrap(t.Job, t.Slot, "", t.Command)
	if err != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	tl := *t
	tl.Command = cmd
	return l.Runner.Run(ctx, &tl)
}

// KillAll passes the second Ctrl-C on to the runner.
func (l *Launched) KillAll(sig syscall.Signal) { job.KillAll(l.Runner, sig) }

// Close closes the runner when it is an io.Closer.
func (l *Launched) Close() error { return job.Close(l.Runner) }
