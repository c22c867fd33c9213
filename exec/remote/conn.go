package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pmap-dev/pmap/exec/proc"
)

const (
	// controlPersist keeps a master connection open this long without
	// jobs, so that a pause between jobs costs no new handshake, and a
	// master left behind by a killed pmap goes away by itself.
	controlPersist = "30"
	// drainGrace is how long pmap waits, after an ssh client exits, for
	// the master to close the job's output pipes.
	drainGrace = 5 * time.Second
	// stopGrace is how long an ssh client may take, beyond the
	// termination sequence, to end after pmap stopped its job; then it is
	// killed (the host does not answer).
	stopGrace = 5 * time.Second
	// probeTimeout bounds the first connection to a host.
	probeTimeout = 2 * time.Minute
	// probeCommand prints the number of CPUs of the remote host.
	probeCommand = "nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1"
)

// Start prepares a run: a private directory for the control sockets, one
// master connection per remote host, opened by asking the host for its CPU
// count, and the slots. It returns the number of slots, which is the
// run's number of workers. A host that cannot be reached starts out of the
// rotation (with one slot when its count was to be asked).
func (r *Remote) Start() (int, error) {
	if len(r.Hosts) == 0 {
		return 0, errors.New("no --ssh host")
	}
	if len(r.SSH) == 0 {
		r.SSH = []string{"ssh"}
	}
	if r.Shell == "" {
		r.Shell = "sh"
	}
	if r.TermSeq == nil {
		r.TermSeq = proc.DefaultTermSeq
	}
	r.changed = make(chan struct{})
	r.ignore, r.seqArgs = termSeqArgs(r.TermSeq)
	var tok [12]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return 0, fmt.Errorf("ssh: %w", err)
	}
	r.token = "pmap-exit-" + hex.EncodeToString(tok[:])

	remote := false
	for _, h := range r.Hosts {
		remote = remote || !h.Local
	}
	if remote {
		path, err := osexec.LookPath(r.SSH[0])
		if err != nil {
			return 0, fmt.Errorf("--ssh-cmd: %w", err)
		}
		r.sshPath = path
		if r.dir, err = controlDir(); err != nil {
			return 0, err
		}
	}

	cpus := make([]int, len(r.Hosts))
	faults := make([]error, len(r.Hosts))
	var wg sync.WaitGroup
	for i, h := range r.Hosts {
		if h.Local {
			cpus[i] = r.LocalCPUs
			continue
		}
		h.ctl = filepath.Join(r.dir, strconv.Itoa(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			cpus[i], faults[i] = r.probe(h)
		}()
	}
	wg.Wait()
	reached := false
	for i := range r.Hosts {
		reached = reached || faults[i] == nil
	}
	for i, h := range r.Hosts {
		if faults[i] != nil {
			backoff, _ := r.down(h, faults[i])
			// With no host reached, the run's error says why.
			if reached && r.Warn != nil {
				fmt.Fprintf(r.Warn, "pmap: warning: %s cannot be reached (%v); it is tried again in %v\n", h.Login, faults[i], backoff)
			}
		}
		if h.Slots == 0 {
			h.Slots = 1
			if cpus[i] > 0 {
				h.Slots = cpus[i]
				if r.Workers != nil {
					n, err := r.Workers(cpus[i])
					if err != nil {
						return 0, err
					}
					h.Slots = n
				}
			}
		}
	}
	r.slotHost = spreadSlots(r.Hosts)
	return len(r.slotHost), nil
}

// spreadSlots maps slots to hosts round-robin (slot 1 on the first host,
// slot 2 on the second...), so that a short run uses every host.
func spreadSlots(hosts []*Host) []*Host {
	var slots []*Host
	for round := 0; ; round++ {
		added := false
		for _, h := range hosts {
			if round < h.Slots {
				slots = append(slots, h)
				added = true
			}
		}
		if !added {
			return slots
		}
	}
}

// controlDir makes the private directory of the control sockets. A socket
// path has a small size limit (ssh adds 17 bytes while it creates one), so
// a long $TMPDIR is passed over for /tmp.
func controlDir() (string, error) {
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pmap-ssh-")
	if err != nil {
		return "", fmt.Errorf("ssh control directory: %w", err)
	}
	// Close removes it; should pmap be killed first, its lifeline does.
	proc.RemoveIfKilled(dir)
	return dir, nil
}

// sshArgs is the ssh command line up to the command: the user's command
// and options (first, so that they win: ssh takes the first value of an
// option), multiplexing, no pty, no prompts, then the destination.
func (r *Remote) sshArgs(h *Host, extra ...string) []string {
	argv := make([]string, 0, len(r.SSH)+24)
	argv = append(argv, r.SSH...)
	argv = append(argv,
		"-o", "ControlMaster=auto",
		"-o", "ControlPath="+h.ctl,
		"-o", "ControlPersist="+controlPersist,
		"-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR",
		"-o", "ConnectTimeout=30",
		"-o", "ServerAliveInterval=15",
		"-T")
	if h.Port != "" {
		argv = append(argv, "-p", h.Port)
	}
	argv = append(argv, extra...)
	return append(argv, h.Dest)
}

// probe opens the master connection to h and reads its CPU count. An
// error is a failure at the ssh level: the host is unreachable.
func (r *Remote) probe(h *Host) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	argv := append(r.sshArgs(h), "--", probeCommand)
	cmd := osexec.CommandContext(ctx, r.sshPath, argv[1:]...)
	cmd.SysProcAttr = proc.GroupAttr(0)
	cmd.WaitDelay = drainGrace
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := proc.Run(cmd)
	var ee *osexec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() != 255:
		return 0, nil // the host answers; its shell does not say
	case err != nil:
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			msg = err.Error()
		}
		return 0, errors.New(msg)
	}
	// The last line: a login script may print before the command runs.
	out := strings.TrimSpace(stdout.String())
	out = out[strings.LastIndexByte(out, '\n')+1:]
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil || n < 1 {
		return 0, nil
	}
	return n, nil
}

// Close ends the master connections and removes the control directory.
func (r *Remote) Close() error {
	if r.dir == "" {
		return nil
	}
	var wg sync.WaitGroup
	for _, h := range r.Hosts {
		if h.Local || h.ctl == "" {
			continue
		}
		if _, err := os.Stat(h.ctl); err != nil {
			continue // no master (multiplexing off, or it already ended)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), stopGrace)
			defer cancel()
			argv := r.sshArgs(h, "-O", "exit")
			cmd := osexec.CommandContext(ctx, r.sshPath, argv[1:]...)
			cmd.SysProcAttr = proc.GroupAttr(0)
			_ = proc.Run(cmd)
		}()
	}
	wg.Wait()
	err := os.RemoveAll(r.dir)
	r.dir = ""
	if err != nil {
		return fmt.Errorf("ssh control directory: %w", err)
	}
	return nil
}
