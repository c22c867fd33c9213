package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// outputBudget is the memory a run may take for the jobs' captured output:
// pmap's whole resident memory stays within it, however much output waits.
const outputBudget = 32 << 20

// spoolMemory is the share of outputBudget that the jobs' captured output
// may take in memory together before it spills to a temporary file. The
// other half is the room of everything else: the Go runtime and pmap's
// code (about 10 MiB in a run with no output), the copy buffers, and what
// the garbage collector has yet to return.
const spoolMemory = outputBudget / 2

// memoryLimit is the heap size past which the garbage collector works
// harder (runtime/debug.SetMemoryLimit): the spooled output plus 8 MiB
// for everything else, so that with pmap's code (not counted by the
// runtime) the process stays within outputBudget. Output written from
// memory blocks is reused (exec/spool), but what else a run allocates
// would otherwise double the heap before a collection.
const memoryLimit = spoolMemory + 8<<20

// gcPercent is the garbage collector's target (GOGC) of every run. pmap's
// live heap is small (the jobs in flight, a few blocks of records) and
// what a job allocates is garbage once its result is written, so at Go's
// 100 the collector ran every 4 MiB of allocation: 130 times in 200,000
// in-process `echo {}` jobs, each collection stopping and waking both
// CPUs. At 400 it runs every 16 MiB; the same run takes about a quarter
// less time (1.25 s against 1.7 s under load, GOGC=100..800 alternating;
// 800 is no better), 2 persistent cat workers over 200,000 records a
// little less than at 200, and the peak RSS of a small run grows from
// about 17 to 28 MiB. memoryLimit still bounds the heap: a run whose
// output waits in memory collects sooner, and stays within outputBudget.
const gcPercent = 400

// tuneMemory sets memoryLimit and gcPercent, unless GOMEMLIMIT or GOGC
// chose them.
func tuneMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// execute runs the jobs of o on b and writes their results. The error it
// returns decides the exit code (run maps it): nil when every job
// succeeded.
func execute(o *options, b *backend, stdin io.Reader, stdout, stderr io.Writer) error {
	in, err := openInput(o, stdin)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if o.input.Header && in.records != nil {
		if in.records, err = checkHeader(in.records, b); err != nil {
			return err
		}
	}
	if in.records != nil && b.usesTotal() {
		in.records = b.countJobs(o, in.records)
	}
	if err := checkStdout(stdout); err != nil {
		return exitWith(exitUsage, err)
	}
	if o.dryRun {
		return dryRun(newJobSource(o, b, in, b.workers), b, bufio.NewWriterSize(stdout, 64<<10), stderr)
	}
	if o.nice != 0 {
		if err := renice(o.nice); err != nil {
			return exitWith(exitUsage, fmt.Errorf("--nice %d: %w", o.nice, err))
		}
	}
	tuneMemory()
	giveUp := newGiveUp()
	sw := newStdoutWriter(stdout, giveUp.done)
	defer sw.Close()
	bufOut := bufio.NewWriterSize(sw, 64<<10)

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	drain := make(chan struct{})
	failure := &writeFailure{cancel: cancel}
	sp := spool.New(spoolMemory, o.tmpDir)
	sp.OnError = failure.fail
	sp.Reuse = func() bool { return giveUp.err() == nil }
	defer sp.Close()
	engine := &exec.Engine{
		Expand:     &b.expand,
		Spool:      sp,
		Drain:      drain,
		DrainCause: errors.New("SIGHUP"),
		Timeout:    o.timeout,
		Retries:    o.retries,
		RetryDelay: o.retryDelay,
		Halt:       o.halt,
	}
	out := output.Options{
		Stdout:     newDirectStdout(stdout, bufOut, giveUp.err),
		Stderr:     stderr,
		Unordered:  o.unordered,
		FirstSeq:   o.shard.Index + 1,
		SeqStep:    o.shard.Count,
		LineBuffer: o.lineBuffer,
		Ungroup:    o.ungroup,
		KeepOrder:  o.keepOrder,
		Hold:       func() output.HeldBuffer { return sp.NewBuffer() },
		Retried:    o.retries > 0 || len(o.hosts) > 0, // --ssh reruns a job off a failed host
		Format:     o.format,
		Values:     o.value,
		FailValue:  o.failValue,
		Tag:        o.tag,
		Files:      o.files,
		TmpDir:     o.tmpDir,
		TagString:  b.tagString,
		Multi:      o.multi(),
		// Text from input on a terminal has its control bytes escaped.
		TerminalStdout: isTerminal(stdout),
		TerminalStderr: isTerminal(stderr),
	}
	pipeClosed := make(chan struct{})
	var brokenOnce sync.Once
	out.OnBroken = func() {
		brokenOnce.Do(func() {
			close(pipeClosed)
			cancel(errors.New("stdout closed"))
		})
	}
	out.OnError = failure.fail
	out.Stop = giveUp.err
	stopWatch := func() {}
	if f, ok := stdout.(*os.File); ok {
		stopWatch = watchReader(f, out.OnBroken)
	}
	defer stopWatch()
	countLeft := jobCounter(o, stdin) // before the input is read
	if p := newProgress(o, engine, stdin, stdout, stderr); p != nil {
		out.Progress = p.progress
		out.Stderr = p.stderr
		if p.stdout != nil {
			out.Stdout = p.stdout
		}
	}

	// Every process the run starts, and every process those start, ends
	// with the run, even one that left its job's process group (SPEC §3).
	defer proc.Supervise(proc.Options{Warn: out.Stderr})()
	if engine.Workers, err = b.start(out.Stderr); err != nil {
		return exitWith(exitUsage, err)
	}
	defer b.close()
	engine.Runner = b.runner
	engine.Batch = batches(o, b)
	if th := throttle(o, drain); th != nil {
		if err := th.Check(); err != nil {
			return exitWith(exitUsage, err)
		}
		engine.Throttle = th.Wait
	}
	logs, err := openLogs(o, &out)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if logs.skip != nil {
		engine.Skip = logs.skip
	}
	w := output.New(out)
	if o.lineBuffer || o.ungroup {
		engine.Live = w.Live
	} else if w.Passes() {
		engine.Stream = w.Stream
	}
	if o.verbose {
		engine.OnStart = w.Verbose
	}

	sigs := watchSignals(signalActions{
		drain:  drain,
		cancel: cancel,
		kill: func(sig syscall.Signal) {
			b.kill()
			giveUp.now(sig)
		},
		jobs: b.signal,
	})
	defer sigs.stop()

	jobs := newJobSource(o, b, in, engine.Workers)
	results := make(chan *job.Result, engine.ResultRoom())
	var runErr error
	go func() {
		runErr = engine.Run(ctx, jobs, results)
		b.close() // long-lived runners (--worker, --ssh) end with the run
		close(results)
	}()
	w.Consume(results)
	bufOut.Flush()
	stopWatch() // a reader that goes away now has had all the output
	logErr := logs.close()

	select {
	case <-pipeClosed:
		return exitWith(exitClosedPipe, nil)
	default:
	}
	left := noteLeft(o, engine, sigs, &w.Summary, countLeft)
	if err := failure.get(); err != nil {
		// Said once, without the summary: the jobs it stopped are its
		// consequence, not failures of their own.
		return exitWith(exitUsage, err)
	}
	if code := sigs.exitCode(); code != 0 {
		w.Summary.WriteTo(stderr)
		return exitWith(code, nil)
	}
	w.Summary.WriteTo(stderr)
	switch {
	case runErr != nil:
		return exitWith(exitUsage, runErr)
	case engine.Aborted() != nil:
		return exitWith(exitJobsFailed, engine.Aborted())
	case logErr != nil:
		return exitWith(exitUsage, logErr)
	case left:
		return exitWith(exitHangup, nil) // SIGHUP left records undone
	}
	if halted, onFailure := engine.Halted(); halted && onFailure {
		return exitWith(exitJobsFailed, nil)
	}
	if w.Summary.Failed > 0 && !o.exitZero {
		return exitWith(exitJobsFailed, nil)
	}
	return nil
}

// jobInput is the run's input, opened: records, or --pipe's blocks.
type jobInput struct {
	records input.Source
	blocks  *input.Blocks
	parts   *input.Parts // --pipepart
}

// openInput opens the input: the records of stdin, -a files and :::
// sources, or with --pipe the blocks of stdin or its one -a FILE.
func openInput(o *options, stdin io.Reader) (jobInput, error) {
	if !o.pipe {
		src, err := input.Open(o.input, stdin, o.specs)
		return jobInput{records: src}, err
	}
	if o.pipePart {
		// The file stays open for the run; pmap exits when it ends.
		parts, err := input.OpenParts(o.pipeFile, o.block)
		return jobInput{parts: parts}, err
	}
	r := stdin
	if o.pipeFile != "" && o.pipeFile != "-" {
		fh, err := os.Open(o.pipeFile)
		if err != nil {
			return jobInput{}, err
		}
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			fh.Close()
			return jobInput{}, &fs.PathError{Op: "open", Path: o.pipeFile, Err: errors.New("is a directory")}
		}
		// The file stays open for the run; pmap exits when it ends.
		r = fh
	}
	return jobInput{blocks: input.NewBlocks(r, o.block)}, nil
}

// newJobSource groups the input into jobs for workers slots.
func newJobSource(o *options, b *backend, in jobInput, workers int) *exec.JobSource {
	var jobs *exec.JobSource
	if in.parts != nil {
		jobs = exec.NewPartJobSource(in.parts, o.pipeFile, in.parts.Header)
	} else if in.blocks != nil {
		jobs = exec.NewPipeJobSource(in.blocks)
	} else {
		jobs = exec.NewJobSource(in.records)
		jobs.MaxArgs = o.maxArgs
		if o.packed() {
			jobs.Pack = b.expand.Template
		}
	}
	jobs.Workers = workers
	jobs.Key = b.key
	jobs.UniqueKeys = o.format.Keyed()
	jobs.Vars = o.recordVars()
	jobs.Defaults = o.defaults
	jobs.Shard = o.shard
	return jobs
}

// errDryRunNUL fails a --dry-run job whose command holds a NUL byte: no
// shell line can carry one (a shell reads the command up to it), so
// printing it would show, and `| sh` run, a different command.
var errDryRunNUL = errors.New("the command holds a NUL byte, which no shell line can carry: --dry-run cannot print it")

// dryRun prints each job's command and starts nothing. The slot shown by
// {%} is the one the job would get with every job taking equally long.
func dryRun(jobs *exec.JobSource, b *backend, out *bufio.Writer, stderr io.Writer) error {
	failed := false
	var line []byte
	for {
		j, err := jobs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			return exitWith(exitUsage, err)
		}
		if j.Err == nil {
			slot := int((j.Seq-1)%int64(b.workers)) + 1
			line, err = b.expand.AppendLine(line[:0], j, slot)
			if err == nil && bytes.IndexByte(line, 0) >= 0 {
				err = errDryRunNUL
			}
			if err == nil {
				line = append(line, '\n')
				if _, err := out.Write(line); err != nil {
					return stdoutError(err)
				}
				continue
			}
			j.Err = err
		}
		failed = true
		msg := j.Err.Error()
		if isTerminal(stderr) {
			msg = output.TerminalSafe(msg) // it can quote the record
		}
		fmt.Fprintf(stderr, "pmap: job %d: %s\n", j.Seq, msg)
	}
	if err := out.Flush(); err != nil {
		return stdoutError(err)
	}
	if failed {
		return exitWith(exitJobsFailed, nil)
	}
	return nil
}

// batches reports whether the run takes the batch path (exec.Engine.Batch,
// exec/batch.go): persistent workers get their records in blocks, and a
// job that succeeds costs no more than its answer copied in order. It is
// the one place that decides it. Each option left out needs something of
// every job (a joblog line, a JSON record, a tag, a file, a -v line, its
// output as it comes) or a rule applied job by job (--halt counts, the
// spacing of --delay/--load/--memfree, a --timeout that moves with the
// median, the wait of --retry-delay): such runs keep a job per record, as
// do -N/-X jobs and --pipe. Both paths write the same bytes.
func batches(o *options, b *backend) bool {
	return b.persistent != nil && b.runner == job.Runner(b.persistent) &&
		o.format == output.Raw && !o.tag && o.tagString == "" && !o.files &&
		o.results == "" && o.resultsDir == "" && o.joblog == "" && !o.resume &&
		!o.verbose && !o.lineBuffer && !o.ungroup &&
		o.halt.Kind == exec.HaltNever && o.timeout.Percent == 0 && o.retryDelay == 0 &&
		o.delay == 0 && o.load == 0 && o.memFree == 0 &&
		!o.pipe && o.maxArgs <= 1 && !o.xargs && !o.noArgs
}
