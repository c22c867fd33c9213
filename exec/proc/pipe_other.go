//go:build !linux

package proc

import "os"

// jobPipe makes a pipe between pmap and a process it starts: parent is
// pmap's end, child the process's; parentReads says which way it flows.
// Both are os.Pipe's: Collect reads in the poller here, whatever polled.
func jobPipe(parentReads, _ bool) (parent, child *os.File, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	if parentReads {
		return r, w, nil
	}
	return w, r, nil
}
