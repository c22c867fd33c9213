package job

// Status is how a job ended: the "status" of a result record (SPEC
// section 5), which every sink and the exit code look at.
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
