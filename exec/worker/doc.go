// Package worker is the backend of --worker: one long-lived worker
// process per slot, started once (and again when it dies), that reads one
// record per line on its stdin and answers each with exactly one line on
// its stdout, which is that job's output.
package worker
