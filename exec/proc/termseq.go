package proc

import (
	"fmt"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// TermSeq is how a job is stopped (--termseq): signals sent to its process
// group, each followed by a wait for the job to end.
type TermSeq []TermStep

// TermStep is one signal of a TermSeq and how long to wait after it.
type TermStep struct {
	Signal syscall.Signal // sent to the whole process group
	Wait   time.Duration  // how long the job gets to end before the next step
}

// DefaultTermSeq is TERM, two seconds' grace, then KILL.
var DefaultTermSeq = TermSeq{{syscall.SIGTERM, 2 * time.Second}, {syscall.SIGKILL, 0}}

// ParseTermSeq parses "TERM,2s,KILL" and GNU parallel's
// "TERM,200,TERM,100,KILL,25" (bare numbers are milliseconds). A KILL is
// always appended when the sequence does not end with one, so that a job that
// ignores every signal still ends.
func ParseTermSeq(s string) (TermSeq, error) {
	var seq TermSeq
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if i%2 == 0 {
			sig := unix.SignalNum("SIG" + strings.TrimPrefix(strings.ToUpper(f), "SIG"))
			if sig == 0 {
				return nil, fmt.Errorf("termination sequence %q: %q is not a signal name", s, f)
			}
			seq = append(seq, TermStep{Signal: sig})
			continue
		}
		d, err := ParseDuration(f, time.Millisecond)
		if err != nil {
			return nil, fmt.Errorf("termination sequence %q: %w", s, err)
		}
		seq[len(seq)-1].Wait = d
	}
	if len(seq) == 0 || seq[len(seq)-1].Signal != syscall.SIGKILL {
		if len(seq) > 0 && seq[len(seq)-1].Wait == 0 {
			seq[len(seq)-1].Wait = 2 * time.Second
		}
		seq = append(seq, TermStep{Signal: syscall.SIGKILL})
	}
	return seq, nil
}

// Stop sends the sequence to process group pgid until done is closed.
func (seq TermSeq) Stop(pgid int, done <-chan struct{}) {
	seq.Run(func(sig syscall.Signal) bool {
		SignalGroup(pgid, sig)
		return true
	}, done)
}

// Run sends each signal of the sequence with send, waiting after each as
// the sequence says, until done is closed or send reports (false) that
// there is nothing left to stop. It is Stop for a job whose processes are
// in several groups (the in-process shell's), which must each get every
// signal at once.
func (seq TermSeq) Run(send func(syscall.Signal) bool, done <-chan struct{}) {
	for _, step := range seq {
		select {
		case <-done:
			return
		default:
		}
		if !send(step.Signal) {
			return
		}
		if step.Wait <= 0 {
			continue
		}
		t := time.NewTimer(step.Wait)
		select {
		case <-done:
			t.Stop()
			return
		case <-t.C:
		}
	}
}
