package exec

import (
	"context"
	"syscall"
	"testing"
)

// forwardProbe remembers the second Ctrl-C and the end of the run.
type forwardProbe struct {
	killed syscall.Signal
	closed bool
}

func (r *forwardProbe) Run(context.Context, *Task) Outcome { return Outcome{Status: StatusOK} }
func (r *forwardProbe) KillAll(sig syscall.Signal)         { r.killed = sig }
func (r *forwardProbe) Close() error                       { r.closed = true; return nil }

// Runners that wrap another (--pipe, --launcher) must pass the second
// Ctrl-C and the end of the run on, or workers and ssh masters outlive pmap.
func TestWrappersPassKillAllAndClose(t *testing.T) {
	for name, wrap := range map[string]func(Runner) Runner{
		"pipe":     func(r Runner) Runner { return &PipeRunner{Runner: r} },
		"launcher": func(r Runner) Runner { return &Launched{Runner: r} },
		"both":     func(r Runner) Runner { return &PipeRunner{Runner: &Launched{Runner: r}} },
	} {
		inner := &forwardProbe{}
		r := wrap(inner)
		KillAll(r, syscall.SIGKILL)
		if err := Close(r); err != nil {
			t.Fatal(err)
		}
		if inner.killed != syscall.SIGKILL || !inner.closed {
			t.Errorf("%s: inner runner got kill %v, closed %v", name, inner.killed, inner.closed)
		}
	}
	// A runner without either has nothing to do.
	KillAll(&Process{}, syscall.SIGKILL)
	if err := Close(&Process{}); err != nil {
		t.Fatal(err)
	}
}
