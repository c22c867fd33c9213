package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// signalWatch turns the signals pmap gets during a run into the run's
// stops (SPEC §3): SIGHUP starts no new job and lets running ones finish;
// the first SIGINT or SIGTERM stops the run (each job gets its
// termination sequence) and sets the exit code; a second one kills every
// job at once.
type signalWatch struct {
	sigs chan os.Signal
	done chan struct{}
	// code is the exit code of the signal that stopped the run; 0 when
	// none did.
	code atomic.Int32
}

// watchSignals starts watching: drain is closed on SIGHUP, cancel stops
// the run on the first SIGINT/SIGTERM, and kill runs on the second.
func watchSignals(drain chan struct{}, cancel context.CancelCauseFunc, kill func()) *signalWatch {
	w := &signalWatch{sigs: make(chan os.Signal, 4), done: make(chan struct{})}
	// SIGPIPE is caught so that a closed stdout is an EPIPE the output
	// writer reports (exit 141 after stopping the jobs), not a sudden death.
	signal.Notify(w.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		hup := false
		for {
			select {
			case <-w.done:
				return
			case s := <-w.sigs:
				switch s {
				case syscall.SIGHUP:
					if !hup {
						hup = true
						close(drain)
					}
				case syscall.SIGINT, syscall.SIGTERM:
					if w.code.Load() != 0 {
						kill()
						continue
					}
					code := int32(exitInterrupted)
					if s == syscall.SIGTERM {
						code = exitTerminated
					}
					w.code.Store(code)
					cancel(fmt.Errorf("pmap got %v", s))
				}
			}
		}
	}()
	return w
}

// exitCode is the exit code of the signal that stopped the run, 0 when
// none did.
func (w *signalWatch) exitCode() int { return int(w.code.Load()) }

// stop ends the watch.
func (w *signalWatch) stop() {
	signal.Stop(w.sigs)
	close(w.done)
}
