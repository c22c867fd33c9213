package remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

// runSSH runs cmd on h. A non-nil error is a failure at the ssh level (the
// connection could not be made or broke): the job did not report an end,
// and may run again elsewhere.
func (r *Remote) runSSH(ctx context.Context, h *Host, t *job.Task, cmd job.Command) (job.Outcome, error) {
	if ctx.Err() != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true, Signal: r.firstSignal()}, nil
	}
	argv := append(r.sshArgs(h), "--", r.wrapCommand(h, t, cmd))
	// The ssh client belongs to the run, not to the job: the master
	// connection it may start serves every job.
	child, err := proc.Start(ctx, &proc.Spec{Path: r.sshPath, Argv: argv})
	if err != nil {
		if ctx.Err() != nil {
			return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true, Signal: r.firstSignal()}, nil
		}
		return proc.StartError(r.sshPath, err), nil
	}
	inW, outR, errR := child.Stdin, child.Stdout, child.Stderr
	pgid := child.Pid
	r.groups.Add(pgid)
	defer r.groups.Remove(pgid)

	// The connection's stdin is the job's lifeline: closing it stops the
	// job on the remote side (wrapper).
	var closeIn sync.Once
	closeStdin := func() { closeIn.Do(func() { inW.Close() }) }
	if t.Job.HasStdin() {
		j := t.Job
		go func() { j.WriteStdin(inW) }()
	}
	finished := make(chan struct{})
	var stopped atomic.Bool
	limit := stopGrace
	for _, st := range r.TermSeq {
		limit += st.Wait
	}
	cancelStop := context.AfterFunc(ctx, func() {
		stopped.Store(true)
		closeStdin()
		timer := time.NewTimer(limit)
		defer timer.Stop()
		select {
		case <-finished:
		case <-timer.C:
			proc.SignalGroup(pgid, syscall.SIGKILL)
		}
	})

	mw := newMarkerWriter(keepOpen{t.Stderr}, r.token)
	copied := make(chan struct{}, 2)
	go proc.CopyStream(keepOpen{t.Stdout}, outR, copied)
	go proc.CopyStream(mw, errR, copied)
	state, waitErr := child.Wait()
	awaitStreams(copied, outR, errR)
	close(finished)
	cancelStop()
	closeStdin()

	wasStopped := stopped.Load()
	if code, ok := mw.status(); ok {
		out := job.Outcome{Status: job.StatusOK, Stopped: wasStopped}
		if code != 0 {
			out = job.Outcome{Status: job.StatusFailed, Exit: code, Err: fmt.Errorf("exit status %d", code), Stopped: wasStopped}
		}
		if wasStopped && code != 0 {
			out.Signal = r.firstSignal()
			if code > 128 && code < 128+65 {
				out.Signal = signalName(syscall.Signal(code - 128))
			}
		}
		return out, nil
	}
	if wasStopped {
		// The sequence reached KILL, which takes the wrapper too.
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: signalName(r.TermSeq[len(r.TermSeq)-1].Signal), Err: errors.New("stopped on the remote host"), Stopped: true}, nil
	}
	if waitErr != nil {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("ssh: %w", waitErr)}, nil
	}
	reason := mw.lastLine()
	if state.ExitCode() == 255 || state.ExitCode() == -1 {
		if reason == "" {
			reason = "the connection was lost (ssh: " + state.String() + ")"
		}
		return job.Outcome{}, errors.New(reason)
	}
	// ssh ran, but the wrapper did not report: the remote login shell is
	// not a POSIX shell, or sh is missing there.
	err = fmt.Errorf("the remote shell exited with status %d without running the job (is the login shell POSIX?)", state.ExitCode())
	return job.Outcome{Status: job.StatusError, Exit: state.ExitCode(), Err: err}, nil
}

// awaitSSHStreams waits for both output pipes to reach EOF: the master
// connection holds them until the session is fully closed, which is when
// every byte has been passed on. A master that does not let go within
// drainGrace is not waited for.
func awaitStreams(copied <-chan struct{}, pipes ...*os.File) {
	timer := time.NewTimer(drainGrace)
	defer timer.Stop()
	for n := 0; n < 2; {
		select {
		case <-copied:
			n++
		case <-timer.C:
			for _, f := range pipes {
				_ = f.SetReadDeadline(time.Now())
			}
		}
	}
}

// keepOpen hides a writer's Close from proc.CopyStream: the job may move to
// another host and write there; Remote closes the writers at the end.
type keepOpen struct {
	w interface{ Write([]byte) (int, error) }
}

func (n keepOpen) Write(p []byte) (int, error) { return n.w.Write(p) }
