package worker

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// DefaultExitGrace is how long Close waits for a worker to exit after it
// got EOF on its stdin before it is sent the termination sequence: long
// enough for a worker to flush what it keeps, short enough that a worker
// that ignores EOF does not hold the run.
const DefaultExitGrace = 5 * time.Second

// DefaultWindow is how many records a worker holds at once by default
// (--worker-window): enough that pmap writes them in batches and the
// worker always has the next one to read, few enough that a worker that
// dies or is stopped takes few records with it. Measured on 200,000
// records through 2 cat workers (testdata/bench/workers.sh and pmap's CPU
// time, three alternating runs), the CPU per record falls from 28 us at 1
// to 15 at 8, 9.5 at 32 and 9 at 64, and no lower past it (10 at 128, 8-10
// at 256, 10 at 1024).
const DefaultWindow = 64

// Persistent is the backend of --worker: one long-lived worker process per
// slot, started on the slot's first job (or after its worker ended), that
// reads one record per line on its stdin and answers each with exactly one
// line on its stdout, which is that job's output. A slot's worker holds
// up to Window records at once: they are written as they come, in
// batches, while a reader goroutine matches its answer lines to them in
// order.
type Persistent struct {
	// Command is the worker command; it is expanded per slot ({%}) and must
	// not depend on a record.
	Command *template.Template
	// PerSlot, when set, holds Command compiled for each slot with its
	// own values (--slot-var, {slot0}): slot i starts PerSlot[i-1].
	PerSlot []*template.Template
	// Shell runs the expanded Command with ShellPath -c instead of as an
	// argv.
	Shell bool
	// ShellPath is the shell of a Shell command: sh when empty ($PMAP_SHELL,
	// --shell).
	ShellPath string
	// TermSeq stops a worker: one whose record was stopped (--timeout,
	// --halt now, a signal), and at Close one that does not exit on EOF
	// (proc.DefaultTermSeq when nil).
	TermSeq proc.TermSeq
	// Restarts is how many times in a row a slot's worker may end before
	// reading the record it was sent (it cannot start: a crash at
	// start-up, a missing module) and be started again; one more and the
	// run is aborted. A record read resets the count. A worker that ends
	// after reading its record fails that record only (Outcome.Retryable)
	// and never aborts the run: a record that crashes the worker cannot
	// keep the records behind it from running.
	Restarts int
	// Stderr receives the workers' stderr, whole lines at a time so that
	// lines of different workers do not mix.
	Stderr io.Writer
	// ExitGrace is how long Close waits for a worker to exit after EOF
	// (DefaultExitGrace when 0).
	ExitGrace time.Duration
	// Records is the window: how many records a worker holds at once, sent
	// and not yet answered (DefaultWindow when 0).
	Records int

	initOnce sync.Once
	env      []string // environment a job inherits (proc.BaseEnv)
	paths    proc.PathCache

	mu     sync.Mutex
	slots  []*slot // index slot-1
	groups proc.Groups
	errMu  sync.Mutex // serialises Stderr writes
}

// slot returns the state of slot n, creating it.
func (p *Persistent) slot(n int) *slot {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.slots) < n {
		p.slots = append(p.slots, newSlot(p, len(p.slots)+1))
	}
	return p.slots[n-1]
}

// Window implements job.Pipeliner: how many records a slot's worker holds
// at once.
func (p *Persistent) Window() int { return cmp.Or(p.Records, DefaultWindow) }

// KillAll sends sig to every worker's process group: the second Ctrl-C.
func (p *Persistent) KillAll(sig syscall.Signal) { p.groups.Signal(sig) }

// Run implements job.Runner: it queues the job's record for the slot's
// worker and returns once its answer line is copied to t.Stdout (or the
// record failed). Several jobs of a slot run at once, up to Window.
func (p *Persistent) Run(ctx context.Context, t *job.Task) job.Outcome {
	defer t.CloseWriters()
	if len(t.Job.Records) != 1 {
		return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("a worker takes one record per job, this job has %d", len(t.Job.Records))}
	}
	rec := t.Job.Records[0].Raw
	if o, bad := lineRecord(rec); bad {
		return o
	}
	if ctx.Err() != nil {
		return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: context.Cause(ctx), Stopped: true}
	}
	return p.slot(t.Slot).submit(ctx, t, rec)
}

// givingUp is the error that aborts the run when a slot's workers keep
// ending before they read a record.
func (p *Persistent) givingUp(slot, ends int, reason string) error {
	return fmt.Errorf("worker %d %s (%d times in a row before reading a record); giving up (--worker-restarts %d)", slot, reason, ends, p.Restarts)
}

// Close ends every worker: EOF on its stdin, DefaultExitGrace to exit, then
// the termination sequence. It waits for them all; call it once every job
// has ended.
func (p *Persistent) Close() error {
	p.mu.Lock()
	slots := p.slots
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range slots {
		if w := s.close(); w != nil {
			wg.Go(func() {
				w.finish(p.TermSeq, cmp.Or(p.ExitGrace, DefaultExitGrace))
				w.release(p)
			})
		}
	}
	wg.Wait()
	return nil
}

// copyLines writes r to p.Stderr a line at a time (or a buffer's worth of
// a very long line), until EOF.
func (p *Persistent) copyLines(r io.Reader, done chan<- struct{}) {
	defer close(done)
	br := bufio.NewReaderSize(r, 32<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && p.Stderr != nil {
			p.errMu.Lock()
			_, _ = p.Stderr.Write(line)
			p.errMu.Unlock()
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// checkRecordFree reports an error when the worker command expands
// differently for two different records: it is started before any record.
func checkRecordFree(t *template.Template) error {
	a := &template.Data{Records: []input.Record{{Seq: 1, Line: 1, Raw: "a"}}, Seq: 1, Slot: 1}
	b := &template.Data{Records: []input.Record{{Seq: 2, Line: 2, Raw: "b"}}, Seq: 2, Slot: 1}
	x, err1 := t.String(a)
	y, err2 := t.String(b)
	if err1 != nil || err2 != nil || x != y {
		return errors.New("the worker command is started once per slot, before any record: it may use {%} and --var names, not {}, {#} or fields (records come on its stdin)")
	}
	return nil
}

// NewPersistent returns the --worker backend for the worker command t (an
// Exec template, or a Shell one with shell set). It fails when the command
// depends on a record.
func NewPersistent(t *template.Template, shell bool, restarts int) (*Persistent, error) {
	if err := checkRecordFree(t); err != nil {
		return nil, err
	}
	return &Persistent{Command: t, Shell: shell, Restarts: restarts}, nil
}
