package main

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/output"
)

// writeFailure is the first error pmap meets writing its output or a log
// (stdout, the output spill file, --results, --failed, --joblog). It stops
// the run as a closed stdout does: no new job starts and running ones get
// the termination sequence, since what they produce could not be kept;
// the run then exits 2 with the error.
type writeFailure struct {
	mu     sync.Mutex
	err    error
	cancel context.CancelCauseFunc
}

// fail records err when it is the first and stops the run. A write that
// failed because the user gave the output up (a second Ctrl-C) is no
// failure: the signal decides how the run ends.
func (f *writeFailure) fail(err error) {
	if errors.Is(err, errOutputGivenUp) {
		return
	}
	f.mu.Lock()
	first := f.err == nil
	if first {
		f.err = err
	}
	f.mu.Unlock()
	if first {
		f.cancel(err)
	}
}

// get returns the first error, or nil.
func (f *writeFailure) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// checkStdout fails when stdout is a file descriptor open for reading
// only: every write would fail, so nothing is run. (A stdout closed before
// pmap started cannot be told: the Go runtime opens /dev/null in its place
// before any of pmap's code runs.)
func checkStdout(stdout io.Writer) error {
	f, ok := stdout.(*os.File)
	if !ok {
		return nil
	}
	// Through Control rather than Fd, which would make a non-blocking
	// stdout blocking for everyone who shares it.
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	var fl int
	if cerr := rc.Control(func(fd uintptr) { fl, err = unix.FcntlInt(fd, unix.F_GETFL, 0) }); cerr != nil || err != nil {
		return nil // not a descriptor fcntl knows: the writes will tell
	}
	if fl&unix.O_ACCMODE == unix.O_RDONLY {
		return errors.New("stdout is not open for writing")
	}
	return nil
}

// stdoutError is the exit for an error writing stdout outside the output
// Writer (--dry-run): 141 without a message for a closed pipe, 2 with the
// error otherwise.
func stdoutError(err error) error {
	if output.ClosedPipe(err) {
		return exitWith(exitClosedPipe, nil)
	}
	return exitWith(exitUsage, output.WriteError("stdout", err))
}
