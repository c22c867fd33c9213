package exec_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/process"
	"github.com/pmap-dev/pmap/exec/remote"
)

// forwardProbe remembers the second Ctrl-C and the end of the run.
type forwardProbe struct {
	killed syscall.Signal
	closed bool
}

func (r *forwardProbe) Run(context.Context, *job.Task) job.Outcome {
	return job.Outcome{Status: job.StatusOK}
}
func (r *forwardProbe) KillAll(sig syscall.Signal) { r.killed = sig }
func (r *forwardProbe) Close() error               { r.closed = true; return nil }

// Runners that wrap another (--pipe, --launcher) must pass the second
// Ctrl-C and the end of the run on, or workers and ssh masters outlive pmap.
func TestWrappersPassKillAllAndClose(t *testing.T) {
	for name, wrap := range map[string]func(job.Runner) job.Runner{
		"pipe":     func(r job.Runner) job.Runner { return &exec.PipeRunner{Runner: r} },
		"launcher": func(r job.Runner) job.Runner { return &remote.Launched{Runner: r} },
		"both":     func(r job.Runner) job.Runner { return &exec.PipeRunner{Runner: &remote.Launched{Runner: r}} },
	} {
		inner := &forwardProbe{}
		r := wrap(inner)
		job.KillAll(r, syscall.SIGKILL)
		if err := job.Close(r); err != nil {
			t.Fatal(err)
		}
		if inner.killed != syscall.SIGKILL || !inner.closed {
			t.Errorf("%s: inner runner got kill %v, closed %v", name, inner.killed, inner.closed)
		}
	}
	// A runner without either has nothing to do.
	job.KillAll(&process.Process{}, syscall.SIGKILL)
	if err := job.Close(&process.Process{}); err != nil {
		t.Fatal(err)
	}
}
