//go:build !linux

package proc

import "io"

// Collect copies the process's Stdout pipe to stdout and its Stderr pipe
// to stderr until both end, and waits for the process (it reaps it: Wait
// is not to be called as well). A writer that is an io.Closer is closed
// at its pipe's end, as CopyStream does; once the process has exited, what
// else of its group holds a pipe is given time as AwaitStreams gives it.
func (c *Child) Collect(stdout, stderr io.Writer) (State, error) {
	return c.collectPolled(stdout, stderr)
}

// waitSet is Linux's: Collect never reads on one goroutine here.
type waitSet struct{}

func (*waitSet) add(int, int32) error { return nil }
func (*waitSet) remove(int)           {}
func (*waitSet) put()                 {}

// tagExit is the pidfd's tag in a waitSet (Linux).
const tagExit = 2

// directSet reports false: Collect reads the output pipes in the poller
// here.
func directSet() (*waitSet, bool) { return nil, false }
