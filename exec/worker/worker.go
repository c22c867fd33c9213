package worker

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
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
	// keeps to see, once the worker has ended, whether it read the record
	// it was sent (unread).
	inR  *os.File
	sent sentCounter // counts what of the record reached the pipe
	bw   *bufio.Writer
	out  *os.File // the worker's stdout
	br   *bufio.Reader
	errR *os.File // the worker's stderr, copied by copyLines

	// exited is closed once the process has been waited for; state and
	// waitErr are set before.
	exited  chan struct{}
	state   proc.State
	waitErr error
	// scope holds what the worker starts: what is left of it is killed
	// when the worker is released.
	scope   proc.Scope
	errDone chan struct{} // the stderr copy has ended

	// interruptFn is interrupt, kept so that each record does not allocate
	// a method value; fired receives once interrupt has run.
	interruptFn func()
	fired       chan struct{}
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
		inR:     inR,
		exited:  make(chan struct{}),
		errDone: make(chan struct{}),
		fired:   make(chan struct{}, 1),
	}
	child, err := proc.Start(context.Background(), &proc.Spec{Path: path, Argv: argv, Env: env, Stdin: inR, Scope: &w.scope, Persistent: true})
	if err != nil {
		inR.Close()
		inW.Close()
		w.scope.End()
		return nil, proc.StartError(argv[0], err)
	}
	w.pgid, w.in, w.out, w.errR = child.Pid, inW, child.Stdout, child.Stderr
	w.sent.f = w.in
	w.bw = bufio.NewWriterSize(&w.sent, syncWriteMax)
	w.br = bufio.NewReaderSize(w.out, 64<<10)
	w.interruptFn = w.interrupt
	p.groups.Add(w.pgid)
	go func() {
		w.state, w.waitErr = child.Wait()
		close(w.exited)
	}()
	go p.copyLines(w.errR, w.errDone)
	return w, job.Outcome{}
}

// exchange writes rec as one line to the worker and copies its answer line
// to stdout. It returns nil once a whole line is answered, errStopped
// when ctx ended first (the worker is then in an unknown state), or the
// error that shows the worker ended or closed a pipe.
func (w *worker) exchange(ctx context.Context, rec string, stdout io.Writer) error {
	stop := context.AfterFunc(ctx, w.interruptFn)
	var werr, rerr error
	if len(rec) < syncWriteMax {
		werr = w.send(rec)
		if werr == nil {
			rerr = w.readLine(stdout)
		}
	} else {
		// A worker may start answering before it has read the whole of a
		// long record (cat does): write while reading, or both block.
		sent := make(chan error, 1)
		go func() { sent <- w.send(rec) }()
		rerr = w.readLine(stdout)
		if rerr != nil {
			_ = w.in.SetWriteDeadline(time.Unix(1, 0)) // the worker will not read it
		}
		werr = <-sent
	}
	if !stop() {
		<-w.fired
		if werr == nil && rerr == nil {
			// Answered just as ctx ended: the worker is fine.
			_ = w.in.SetWriteDeadline(time.Time{})
			_ = w.out.SetReadDeadline(time.Time{})
			return nil
		}
		return errStopped
	}
	if rerr != nil {
		return rerr
	}
	return werr
}

// send writes rec and a newline.
func (w *worker) send(rec string) error {
	w.sent.n = 0
	w.bw.WriteString(rec)
	w.bw.WriteByte('\n')
	return w.bw.Flush()
}

// readLine copies one line (with its newline) from the worker to stdout;
// what comes of a line cut short by an error is copied too.
func (w *worker) readLine(stdout io.Writer) error {
	for {
		line, err := w.br.ReadSlice('\n')
		if len(line) > 0 {
			_, _ = stdout.Write(line)
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// interrupt makes the pending write and read return at once; it runs when
// the job's context ends during an exchange.
func (w *worker) interrupt() {
	past := time.Unix(1, 0)
	_ = w.in.SetWriteDeadline(past)
	_ = w.out.SetReadDeadline(past)
	w.fired <- struct{}{}
}

// sentCounter writes to the worker's stdin and counts the bytes the pipe
// took, so that unread can tell whether any of them were read.
type sentCounter struct {
	f *os.File
	n int
}

// Write writes p to the pipe.
func (c *sentCounter) Write(p []byte) (int, error) {
	n, err := c.f.Write(p)
	c.n += n
	return n, err
}

// unread reports whether the worker, now ended, read none of the record it
// was sent: all of it is still in its stdin pipe. Such a worker did not
// get as far as reading its input (a crash at start-up, a missing module),
// so the record is not to blame. A long record counts as sent as far as
// the pipe took it, and one that pmap stopped writing before any of it
// went out was not read either. It says false when it cannot tell (a
// system that cannot count a pipe's bytes).
func (w *worker) unread() bool {
	if w.sent.n == 0 {
		return true
	}
	n, ok := pipeBuffered(w.inR)
	return ok && n >= w.sent.n
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
