package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// Back-off of a host that failed at the ssh level: out of rotation for
// hostBackoff, doubled at each failure in a row, at most hostBackoffMax.
const (
	hostBackoff    = 10 * time.Second
	hostBackoffMax = 5 * time.Minute
)

// Remote is the backend of --ssh: it spreads jobs over the hosts' slots and
// runs each through the system's OpenSSH client, over one multiplexed
// master connection per host, wrapped so that stopping the job stops it on
// the remote side (see wrapper). A host that fails at the ssh level
// leaves the rotation for a while and its job moves to another host.
type Remote struct {
	// Hosts are the logins, in the order given.
	Hosts []*Host
	// SSH is the ssh command (--ssh-cmd), "ssh" and its options.
	SSH []string
	// Workers gives the slots of a host whose login has no N/ from the
	// host's CPU count: the --workers value applied to it
	// (exec.ParseWorkers). Nil gives one slot per CPU.
	Workers func(cpus int) (int, error)
	// LocalCPUs is the CPU count of this machine (exec.CPUs), for the
	// slots of a ":" login without N/; 0 gives it one slot.
	LocalCPUs int
	// Expand is the run's expander; with HostInTemplate the command is
	// expanded again per job with {host} set to the chosen host.
	Expand *job.Expander
	// HostInTemplate is set when the template uses {host}.
	HostInTemplate bool
	// Launcher, when set, prefixes every command (--launcher).
	Launcher *Launcher
	// Local runs the jobs of ":" (this machine).
	Local job.Runner
	// Shell runs shell commands on the remote side.
	Shell string
	// TermSeq stops a job; the remote wrapper sends it there.
	TermSeq proc.TermSeq
	// Warn receives one line when a host leaves the rotation.
	Warn io.Writer

	sshPath  string
	dir      string   // the control sockets
	token    string   // ends a remote job's stderr, with its status
	ignore   string   // signals the remote wrapper survives
	seqArgs  []string // TermSeq as the remote wrapper's arguments
	slotHost []*Host  // slot-1 -> the slot's own host

	mu      sync.Mutex
	changed chan struct{} // closed when a host frees a slot or fails
	groups  proc.Groups   // the ssh clients' process groups
}

// errAllDown is the run's end when no host is left.
var errAllDown = errors.New("every --ssh host is down")

// Run implements job.Runner: it runs the job on a host of its slot, or on
// another while that one is down or full, and moves it to another host
// when its host fails at the ssh level.
func (r *Remote) Run(ctx context.Context, t *job.Task) job.Outcome {
	retried := 0
	for {
		h, err := r.pick(ctx, t.Slot)
		if errors.Is(err, errAllDown) {
			t.CloseWriters()
			return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: fmt.Errorf("not run: %w", err), Abort: err, Retried: retried}
		}
		if err != nil {
			t.CloseWriters()
			return job.Outcome{Status: job.StatusSkipped, Exit: -1, Err: err, Stopped: true, Signal: r.firstSignal(), Retried: retried}
		}
		cmd, err := r.command(t, h)
		if err != nil {
			r.release(h, false)
			t.CloseWriters()
			return job.Outcome{Status: job.StatusError, Exit: -1, Err: fmt.Errorf("template: %w", err), Retried: retried}
		}
		if h.Local {
			// The local runner closes the writers itself.
			tl := *t
			tl.Command = cmd
			out := r.Local.Run(ctx, &tl)
			r.release(h, true)
			out.Retried = retried
			return out
		}
		out, fault := r.runSSH(ctx, h, t, cmd)
		r.release(h, fault == nil)
		if fault == nil {
			t.CloseWriters()
			out.Host, out.Retried = h.Login, retried
			return out
		}
		r.markDown(h, fault)
		retried++
		// The next attempt starts with empty output; what a live writer
		// already printed stays printed.
		releaseOutput(t.Stdout)
		releaseOutput(t.Stderr)
	}
}

// command is t's command for host h: expanded again when the template has
// {host}, then prefixed with the launcher.
func (r *Remote) command(t *job.Task, h *Host) (job.Command, error) {
	cmd := t.Command
	if r.HostInTemplate && r.Expand != nil && r.Expand.Template != nil {
		d := &template.Data{Records: t.Job.Records, Multi: r.Expand.Multi, Seq: t.Job.Seq, Slot: t.Slot, Host: h.Name}
		var err error
		if cmd, err = r.Expand.Template.Command(d); err != nil {
			return cmd, err
		}
	}
	if r.Launcher == nil {
		return cmd, nil
	}
	return r.Launcher.Wrap(t.Job, t.Slot, h.Name, cmd)
}

// pick takes a slot on a host for a job on slot: the slot's own host when
// it is up and not full (other hosts' jobs may have moved there), else the
// up host with the most free slots. With every host up but full it waits;
// with none up it fails with errAllDown.
func (r *Remote) pick(ctx context.Context, slot int) (*Host, error) {
	for {
		r.mu.Lock()
		now := time.Now()
		home := r.slotHost[(slot-1+len(r.slotHost))%len(r.slotHost)]
		var best *Host
		anyUp := false
		for _, h := range r.Hosts {
			if !h.up(now) {
				continue
			}
			anyUp = true
			if free := h.Slots - h.running; free > 0 && (best == nil || free > best.Slots-best.running) {
				best = h
			}
		}
		if home.up(now) && home.running < home.Slots {
			best = home
		}
		if best != nil {
			best.running++
			r.mu.Unlock()
			return best, nil
		}
		if !anyUp {
			err := r.downError()
			r.mu.Unlock()
			return nil, err
		}
		wake := r.changed
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped: %w", context.Cause(ctx))
		}
	}
}

// up reports whether h is in the rotation at now.
func (h *Host) up(now time.Time) bool { return !now.Before(h.downUntil) }

// release gives h's slot back; ok says the job got through to the host,
// which ends the host's run of failures.
func (r *Remote) release(h *Host, ok bool) {
	r.mu.Lock()
	h.running--
	if ok && h.up(time.Now()) {
		h.backoff = 0
	}
	r.broadcast()
	r.mu.Unlock()
}

// markDown takes h out of the rotation after a failure at the ssh level,
// and says so. Jobs that were running there when it failed report the same
// failure: they neither extend the back-off nor repeat the warning.
func (r *Remote) markDown(h *Host, reason error) {
	if backoff, ok := r.down(h, reason); ok && r.Warn != nil {
		fmt.Fprintf(r.Warn, "pmap: warning: %s is down (%v); its jobs move to other hosts, and it is tried again in %v\n", h.Login, reason, backoff)
	}
}

// down takes h out of the rotation; ok is false when it already was.
func (r *Remote) down(h *Host, reason error) (backoff time.Duration, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if !h.up(now) {
		return 0, false
	}
	if h.backoff == 0 {
		h.backoff = hostBackoff
	} else {
		h.backoff = min(2*h.backoff, hostBackoffMax)
	}
	h.downUntil = now.Add(h.backoff)
	h.reason = reason.Error()
	r.broadcast()
	return h.backoff, true
}

func (r *Remote) broadcast() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// downError says why every host is down. r.mu is held.
func (r *Remote) downError() error {
	var reasons []string
	for _, h := range r.Hosts {
		reasons = append(reasons, h.Login+": "+h.reason)
	}
	return fmt.Errorf("%w (%s)", errAllDown, strings.Join(reasons, "; "))
}

// firstSignal is the name of the first signal the termination sequence
// sends, for a job stopped before it started.
func (r *Remote) firstSignal() string {
	if len(r.TermSeq) == 0 {
		return ""
	}
	return signalName(r.TermSeq[0].Signal)
}

// KillAll kills every ssh client at once (the second Ctrl-C): the remote
// wrappers see their stdin end and stop their jobs.
func (r *Remote) KillAll(sig syscall.Signal) {
	r.groups.Signal(sig)
	job.KillAll(r.Local, sig)
}

// releaseOutput empties a captured output buffer for the next attempt.
func releaseOutput(w io.Writer) {
	if b, ok := w.(interface{ Release() }); ok {
		b.Release()
	}
}
