package proc

import "io"

// collectPolled is Collect with a goroutine per pipe in the runtime's
// poller while this one waits for the process.
func (c *Child) collectPolled(stdout, stderr io.Writer) (State, error) {
	copied := make(chan struct{}, 2)
	go CopyStream(stdout, c.Stdout, copied)
	go CopyStream(stderr, c.Stderr, copied)
	st, err := c.Wait()
	AwaitStreams(copied, c.pgid, c.Stdout, c.Stderr)
	return st, err
}
