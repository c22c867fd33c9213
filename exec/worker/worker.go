package worker

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// worker is one running worker process and the pipes pmap holds to it.
type worker struct {
	pgid int
	in   *os.File // the worker's stdin
	// inR is a copy of the read end of the worker's stdin, which pmap
	// keeps to see, once the worker has ended, which of the records sent
	// it never read (pipeBuffered).
	inR  *os.File
	out  *os.File // the worker's stdout
	br   *bufio.Reader
	errR *os.File // the worker's stderr, copied by copyLines

	// wmu is held by the slot's writer while it writes to in; sentN
	// counts the bytes the pipe took.
	wmu   sync.Mutex
	sentN int64

	// Guarded by the slot's mu: queued counts the bytes handed to the
	// writer; inflight holds the records sent and not answered, oldest
	// first; answered counts the answers; broken is set once nothing more
	// is to be sent; stopping once pmap stops the worker (a record it
	// holds was stopped); closing at the end of the run. ready wakes the
	// reader when records are in flight.
	queued   int64
	inflight []*pending
	answered int
	broken   bool
	stopping bool
	closing  bool
	ready    *sync.Cond
	// part holds an answer of a batch's record that is longer than the
	// reader's buffer, until its end comes (the reader's alone); clock
	// stops the worker when its oldest record of a batch runs past the
	// batch's timeout (armed while clockSet, on the slot's mu).
	part     []byte
	clock    *time.Timer
	clockSet bool

	readerDone chan struct{}

	// exited is closed once the process has been waited for; state and
	// waitErr are set before.
	exited  chan struct{}
	state   proc.State
	waitErr error
	// scope holds what the worker starts: what is left of it is killed
	// when the worker is released.
	scope   proc.Scope
	errDone chan struct{} // the stderr copy has ended
}

// init reads what every worker's start needs, once.
func (p *Persistent) init() {
	p.initOnce.Do(func() {
		p.env = proc.BaseEnv(os.Environ())
		if p.ShellPath == "" {
			p.ShellPath = "sh"
		}
		if p.TermSeq == nil {
			p.TermSeq = proc.DefaultTermSeq
		}
	})
}

// start starts the worker of slot in its own process group. On failure it
// returns a nil worker and the outcome for the record.
func (p *Persistent) start(slot int) (*worker, job.Outcome) {
	p.init()
	d := &template.Data{Records: []input.Record{{}}, Slot: slot}
	t := p.Command
	if slot >= 1 && slot <= len(p.PerSlot) {
		t = p.PerSlot[slot-1]
	}
	cmd, err := t.Command(d)
	if err != nil {
		return nil, job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	argv := cmd.Argv
	if cmd.IsShell() {
		argv = []string{p.ShellPath, "-c", "--", cmd.Script}
	}
	if len(argv) == 0 || argv[0] == "" {
		return nil, job.Outcome{Status: job.StatusError, Exit: -1, Err: errors.New("empty command")}
	}
	path, err := p.paths.LookPath(argv[0])
	if err != nil {
		return nil, proc.StartError(argv[0], err)
	}

	env := append(slices.Clip(p.env), "PMAP_SLOT="+strconv.Itoa(slot))
	// The worker's stdin is a pipe of pmap's own, whose read end pmap
	// keeps open too: unread tells from it whether the worker read its
	// record before it ended.
	inR, inW, err := proc.Pipe(context.Background())
	if err != nil {
		return nil, job.Outcome{Status: job.StatusError, Exit: -1, Err: err}
	}
	w := &worker{
		inR:        inR,
		exited:     make(chan struct{}),
		errDone:    make(chan struct{}),
		readerDone: make(chan struct{}),
	}
	child, err := proc.Start(context.Background(), &proc.Spec{Path: path, Argv: argv, Env: env, Stdin: inR, Scope: &w.scope, Persistent: true})
	if err != nil {
		inR.Close()
		inW.Close()
		w.scope.End()
		return nil, proc.StartError(argv[0], err)
	}
	w.pgid, w.in, w.out, w.errR = child.Pid, inW, child.Stdout, child.Stderr
	w.br = bufio.NewReaderSize(w.out, 64<<10)
	p.groups.Add(w.pgid)
	go func() {
		w.state, w.waitErr = child.Wait()
		close(w.exited)
	}()
	go p.copyLines(w.errR, w.errDone)
	return w, job.Outcome{}
}

// interrupt makes the reader's pending read return at once.
func (w *worker) interrupt() {
	_ = w.out.SetReadDeadline(time.Unix(1, 0))
}

// halt stops the worker because a record it holds was stopped (its
// --timeout, --halt now, a signal); the slot's mu is held. The reader then
// ends it and settles its records (broke).
func (w *worker) halt() {
	if w.stopping {
		return
	}
	w.stopping = true
	// Answers the worker wrote before the stop are still read: their
	// records are answered, not stopped. With bytes waiting in its stdout
	// pipe the reader has DrainGrace to take them (a hung worker is then
	// stopped that much later); otherwise it gives up at once.
	if n, ok := pipeBuffered(w.out); ok && n > 0 {
		_ = w.out.SetReadDeadline(time.Now().Add(proc.DrainGrace))
		return
	}
	w.interrupt()
}

// watch makes the reader give up on a worker that has exited but whose
// stdout stays open (a process it left holds it): after DrainGrace, what
// the worker did not answer will not be answered.
func (w *worker) watch() {
	<-w.exited
	t := time.NewTimer(proc.DrainGrace)
	defer t.Stop()
	select {
	case <-w.readerDone:
	case <-t.C:
		w.interrupt()
	}
}

// ended reports whether the worker process has exited.
func (w *worker) ended() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// endReason says how the exited worker ended: "exit status 1", "killed by
// SIGSEGV".
func (w *worker) endReason() string {
	if w.waitErr != nil {
		return w.waitErr.Error()
	}
	o := proc.OutcomeOf(w.state, false)
	if o.Err == nil {
		return "exit status 0"
	}
	return o.Err.Error()
}

// died is called when the worker did not answer a record: it waits a
// moment for it to exit (stops it if it only closed a pipe) and says what
// happened.
func (w *worker) died(seq proc.TermSeq) string {
	t := time.NewTimer(proc.DrainGrace)
	defer t.Stop()
	select {
	case <-w.exited:
		return "died: " + w.endReason()
	case <-t.C:
	}
	w.stop(seq)
	return "closed its stdout or stdin without answering"
}

// stop sends the termination sequence to the worker's group and waits for
// the worker to exit.
func (w *worker) stop(seq proc.TermSeq) {
	seq.Stop(w.pgid, w.exited)
	<-w.exited
}

// finish ends the worker at the end of the run: EOF on its stdin,
// grace to exit, then the termination sequence. What it still writes on
// stdout has no record to go to and is dropped.
func (w *worker) finish(seq proc.TermSeq, grace time.Duration) {
	<-w.readerDone
	w.in.Close()
	go io.Copy(io.Discard, w.br)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-w.exited:
	case <-t.C:
		w.stop(seq)
	}
}

// release cleans up after the exited worker: whatever it left in its
// process group is killed (no worker outlives its own life), its pipes
// are closed, and its last stderr lines are written out.
func (w *worker) release(p *Persistent) {
	proc.SignalGroup(w.pgid, syscall.SIGKILL)
	w.scope.End()
	p.groups.Remove(w.pgid)
	w.in.Close()
	w.inR.Close()
	w.out.Close()
	// A process that escaped the group (setsid) may hold stderr open.
	t := time.NewTimer(proc.DrainGrace)
	defer t.Stop()
	select {
	case <-w.errDone:
	case <-t.C:
		_ = w.errR.SetReadDeadline(time.Now())
		<-w.errDone
	}
	w.errR.Close()
}
