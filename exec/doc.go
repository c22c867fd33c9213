// Package exec is the scheduler: it turns records into jobs (JobSource),
// runs them on N worker slots through a backend (a job.Runner) and reports
// one job.Result per job, applying the run's policies on the way: --halt,
// --timeout, --retries, --delay/--load/--memfree and the worker count. It
// knows nothing of how a job is started (the backends under exec/ do that)
// nor of how results are printed (output renders them).
package exec
