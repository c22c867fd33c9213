package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalWatch turns the signals pmap gets during a run into the run's
// stops (SPEC §3): SIGHUP starts no new job and lets running ones finish;
// the first SIGINT, SIGTERM or SIGQUIT stops the run (each job gets its
// termination sequence) and sets the exit code; a second one kills every
// job at once and gives up the output still to be written. SIGTSTP
// (Ctrl-Z) stops the jobs, then pmap; SIGCONT continues them.
type signalWatch struct {
	sigs chan os.Signal
	done chan struct{}
	// code is the exit code of the signal that stopped the run; 0 when
	// none did.
	code atomic.Int32
	// hup is set once SIGHUP has stopped the starting of jobs.
	hup atomic.Bool
}

// signalActions are what the signals of a run do.
type signalActions struct {
	// drain is closed on SIGHUP: no new job starts.
	drain chan struct{}
	// cancel stops the run on the first SIGINT, SIGTERM or SIGQUIT, with
	// the cause the records of the jobs it stops name.
	cancel context.CancelCauseFunc
	// kill runs on the second one (sig): every job dies at once, and the
	// output still to be written is given up.
	kill func(sig syscall.Signal)
	// jobs sends a signal to every running job's process group (SIGTSTP,
	// SIGCONT): jobs run in groups of their own, which the terminal's
	// Ctrl-Z and fg do not reach.
	jobs func(syscall.Signal)
}

// watchSignals starts watching the signals of a run.
func watchSignals(a signalActions) *signalWatch {
	w := &signalWatch{sigs: make(chan os.Signal, 8), done: make(chan struct{})}
	// SIGPIPE is caught so that a closed stdout is an EPIPE the output
	// writer reports (exit 141 after stopping the jobs), not a sudden death.
	// SIGQUIT is caught so that Ctrl-\ stops the jobs rather than leaving
	// them behind a Go traceback.
	signal.Notify(w.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGPIPE,
		syscall.SIGTSTP, syscall.SIGCONT)
	go func() {
		suspended := false
		for {
			select {
			case <-w.done:
				return
			case s := <-w.sigs:
				sig, _ := s.(syscall.Signal)
				switch sig {
				case syscall.SIGHUP:
					if !w.hup.Swap(true) {
						close(a.drain)
					}
				case syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT:
					if w.code.Load() != 0 {
						a.kill(sig)
						continue
					}
					w.code.Store(int32(signalExit[sig]))
					a.cancel(fmt.Errorf("interrupted by %s", unix.SignalName(sig)))
				case syscall.SIGTSTP:
					// Catching SIGTSTP takes away its default action: pmap
					// stops its jobs, then itself, as an uncaught Ctrl-Z
					// would have stopped a job in pmap's own group.
					suspended = true
					a.jobs(syscall.SIGTSTP)
					_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
				case syscall.SIGCONT:
					// fg, bg or kill -CONT: the jobs go on with pmap. A
					// SIGCONT that no Ctrl-Z preceded has no job to wake.
					if suspended {
						suspended = false
						a.jobs(syscall.SIGCONT)
					}
				}
			}
		}
	}()
	return w
}

// signalExit is the exit code of a run a signal stopped: 128 plus the
// signal's number, as a shell reports a process the signal killed.
var signalExit = map[syscall.Signal]int{
	syscall.SIGHUP:  exitHangup,
	syscall.SIGINT:  exitInterrupted,
	syscall.SIGQUIT: exitQuit,
	syscall.SIGTERM: exitTerminated,
}

// exitCode is the exit code of the signal that stopped the run, 0 when
// none did.
func (w *signalWatch) exitCode() int { return int(w.code.Load()) }

// hungUp reports whether SIGHUP stopped the starting of jobs.
func (w *signalWatch) hungUp() bool { return w.hup.Load() }

// stop ends the watch.
func (w *signalWatch) stop() {
	signal.Stop(w.sigs)
	close(w.done)
}
