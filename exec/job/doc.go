// Package job is the job model every other part of pmap shares: what a job
// is (Job, its expanded Command), what running it takes (Task, the Runner
// interface every backend implements) and what came of it (Outcome, Result,
// Status). It holds no scheduling and starts no process, so that output can
// read results without pulling in the scheduler or any backend.
package job
