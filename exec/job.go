// Package exec turns records into jobs, runs them on N workers through a
// backend (a Runner) and reports one Result per job. It knows nothing of how
// results are printed: output renders what exec returns.
package exec

import (
	"strings"
	"time"

	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// Job is one command to run: one record, or several with -N/-X.
type Job struct {
	// Seq is the 1-based job number in input order ({#}, PMAP_SEQ).
	Seq int64
	// Records are the job's input records.
	Records []input.Record
	// Key identifies the job in keyed output and logs (--key; default Seq).
	Key string
	// Err is set when the job cannot run at all (a malformed record, a key
	// that cannot be expanded): it fails without starting a process.
	Err error
	// Stdin is fed to the job's standard input (--pipe); nil means
	// /dev/null.
	Stdin []byte
}

// Input returns the job's records as read: one record's Raw, or the raw
// records joined by spaces.
func (j *Job) Input() string {
	if len(j.Records) == 1 {
		return j.Records[0].Raw
	}
	raws := make([]string, len(j.Records))
	for i, r := range j.Records {
		raws[i] = r.Raw
	}
	return strings.Join(raws, " ")
}

// data is what the template sees for this job on slot.
func (j *Job) data(slot int, multi bool) *template.Data {
	return &template.Data{Records: j.Records, Multi: multi, Seq: j.Seq, Slot: slot}
}

// Command is a job's expanded command: an argv for the exec backend, a
// script for shell backends.
type Command = template.Command

// Status is how a job ended.
type Status string

// The statuses of SPEC section 5.
const (
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"  // exited non-zero
	StatusSignal  Status = "signal"  // killed by a signal it did not get from pmap
	StatusTimeout Status = "timeout" // stopped by --timeout
	StatusError   Status = "error"   // could not start, or bad input/template for this record
	StatusSkipped Status = "skipped" // not run (resume, halt, interrupted run)
)

// Result is everything known about a finished job.
type Result struct {
	Job      *Job
	Command  Command
	Slot     int
	Host     string
	Status   Status
	Exit     int    // exit code; -1 when killed by a signal or never started
	Signal   string // signal name (SIGSEGV) when killed by a signal
	Err      error  // why the job failed, nil when ok
	Attempts int
	Start    time.Time
	Duration time.Duration
	// Stdout and Stderr hold the captured output; nil when output went
	// straight through (--line-buffer, --ungroup).
	Stdout, Stderr *spool.Buffer
}

// OK reports whether the job succeeded.
func (r *Result) OK() bool { return r.Status == StatusOK }

// Release frees the result's output buffers once they are written.
func (r *Result) Release() {
	r.Stdout.Release()
	r.Stderr.Release()
}
