// Package worker is the backend of --worker: one long-lived worker
// process per slot, started once (and again when it dies), that reads one
// record per line on its stdin and answers each with exactly one line on
// its stdout, which is that job's output. A worker holds a window of
// records at once (slot.go): a writer goroutine sends them in batches and
// a reader goroutine matches the answer lines to them in order. A job is
// one record (Persistent.Run), or a block of them on the scheduler's batch
// path (batch.go, Persistent.RunBatch): the same queue, writer and reader,
// with no goroutine or outcome per record.
package worker
