package proc

import (
	"errors"
	"fmt"
	osexec "os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec/job"
)

// StartError turns a failure to start name into an outcome with the exit
// code a shell would give (127 not found, 126 not executable), so that a
// job reports the same whichever backend could not start it.
func StartError(name string, err error) job.Outcome {
	switch {
	case errors.Is(err, osexec.ErrNotFound), errors.Is(err, syscall.ENOENT):
		return job.Outcome{Status: job.StatusError, Exit: 127, Err: fmt.Errorf("%s: command not found", name)}
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, syscall.ENOEXEC):
		return job.Outcome{Status: job.StatusError, Exit: 126, Err: fmt.Errorf("%s: not executable", name)}
	case errors.Is(err, syscall.E2BIG):
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: argument list too long", name)}
	case isLimit(err):
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: cannot start: %s", name, limitReason(err))}
	case errors.Is(err, syscall.EINVAL):
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: invalid argument (a NUL byte in the command?)", name)}
	}
	return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("%s: %w", name, err)}
}

// OutcomeOf is the outcome of a process that exited with state; stopped
// says pmap sent it the termination sequence.
func OutcomeOf(state State, stopped bool) job.Outcome {
	ws := state.WaitStatus
	switch {
	case ws.Signaled():
		name := SignalName(ws.Signal())
		return job.Outcome{Status: job.StatusSignal, Exit: -1, Signal: name, Err: fmt.Errorf("killed by %s", name), Stopped: stopped}
	case ws.ExitStatus() == 0:
		return job.Outcome{Status: job.StatusOK, Stopped: stopped}
	default:
		return job.Outcome{Status: job.StatusFailed, Exit: ws.ExitStatus(), Err: fmt.Errorf("exit status %d", ws.ExitStatus()), Stopped: stopped}
	}
}

// SignalName names sig as a result record does: "SIGTERM", or "signal 40"
// for a signal without a name.
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "signal " + strconv.Itoa(int(sig))
}
