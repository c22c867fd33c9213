package slurm

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"
)

// nodeFailures are the texts by which srun says the node under a step
// failed or the allocation is gone (srun itself may then exit 0 with the
// task's output lost: SLURM-FACTS.md), or that the step could not start
// (--slurm-wait ran out): the job did not run to its end, whatever the
// exit status.
var nodeFailures = []string{"Node failure", "DUE TO NODE FAILURE", "credential revoked", "has expired",
	"Unable to confirm allocation", "Unable to create step", "Unable to allocate resources"}

// taskReport is srun's closing word on a task that did not exit 0:
// "srun: error: vm: task 0: Exited with exit code 3" or "...: task 0:
// Segmentation fault". The record says as much, so it leaves stderr.
var taskReport = regexp.MustCompile(`^srun: error: [^ ]+: tasks? [0-9,-]+: (.*)$`)

// stderrFilter stands between srun's stderr and the job's: it takes out
// the line with the step's ids (written first by the step, after tag) and
// srun's task reports, and notes a node failure. Lines pass through
// whole; a final line without a newline passes at Close.
type stderrFilter struct {
	w   io.Writer
	tag string // the step-id line is tag, a space, JOBID.STEPID

	mu      sync.Mutex
	line    []byte // the line being read
	step    string // JOBID.STEPID, once read
	failure string // the first node-failure line
	report  string // the last task report's text
	err     error  // the first write error of w
	closed  bool
}

// Write implements io.Writer.
func (f *stderrFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.line = append(f.line, p...)
			break
		}
		f.line = append(f.line, p[:i+1]...)
		p = p[i+1:]
		f.flushLine()
	}
	return n, f.err
}

// flushLine handles the line read, which ends with its newline or is the
// last.
func (f *stderrFilter) flushLine() {
	line := f.line
	f.line = f.line[:0]
	text := strings.TrimSuffix(string(line), "\n")
	if rest, ok := strings.CutPrefix(text, f.tag+" "); ok && f.step == "" {
		f.step = rest
		return
	}
	if strings.HasPrefix(text, "srun: ") || strings.HasPrefix(text, "slurmstepd: ") {
		if m := taskReport.FindStringSubmatch(text); m != nil {
			f.report = m[1]
			return
		}
		if f.failure == "" {
			for _, s := range nodeFailures {
				if strings.Contains(text, s) {
					f.failure = text
				}
			}
		}
	}
	if f.err == nil {
		_, f.err = f.w.Write(line)
	}
}

// Close passes a last line without newline on and closes the job's
// writer when it is an io.Closer (a live --line-buffer writer). It may be
// called more than once.
func (f *stderrFilter) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	if len(f.line) > 0 {
		f.flushLine()
	}
	if c, ok := f.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// seen returns what the filter learnt: the step's ids, the node failure
// line and the last task report.
func (f *stderrFilter) seen() (step, failure, report string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.step, f.failure, f.report
}
