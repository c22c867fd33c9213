package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// outputBudget is the memory all jobs' captured output may take together
// before it spills to a temporary file.
const outputBudget = 32 << 20

// execute runs the jobs of o on b and writes their results. The error it
// returns decides the exit code (run maps it): nil when every job
// succeeded.
func execute(o *options, b *backend, stdin io.Reader, stdout, stderr io.Writer) error {
	in, err := openInput(o, stdin)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	bufOut := bufio.NewWriterSize(stdout, 64<<10)
	if o.dryRun {
		return dryRun(newJobSource(o, b, in, b.workers), b, bufOut, stderr)
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	drain := make(chan struct{})
	sp := spool.New(outputBudget, "")
	defer sp.Close()
	engine := &exec.Engine{
		Expand:     &b.expand,
		Spool:      sp,
		Drain:      drain,
		Timeout:    o.timeout,
		Retries:    o.retries,
		RetryDelay: o.retryDelay,
		Halt:       o.halt,
	}
	out := output.Options{
		Stdout:     bufOut,
		Stderr:     stderr,
		Unordered:  o.unordered,
		LineBuffer: o.lineBuffer,
		Ungroup:    o.ungroup,
		Format:     o.format,
		Tag:        o.tag,
		TagString:  b.tagString,
		Multi:      o.multi(),
	}
	pipeClosed := make(chan struct{})
	out.OnBroken = func() {
		close(pipeClosed)
		cancel(errors.New("stdout closed"))
	}
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
	if out.Joblog != nil {
		engine.OnFinish = out.Joblog.Write
	}
	w := output.New(out)
	if o.lineBuffer || o.ungroup {
		engine.Live = w.Live
	}
	if o.verbose {
		engine.OnStart = w.Verbose
	}

	sigs := watchSignals(drain, cancel, b.kill)
	defer sigs.stop()

	jobs := newJobSource(o, b, in, engine.Workers)
	results := make(chan *job.Result, engine.Workers)
	var runErr error
	go func() {
		runErr = engine.Run(ctx, jobs, results)
		b.close() // long-lived runners (--worker, --ssh) end with the run
		close(results)
	}()
	w.Consume(results)
	bufOut.Flush()
	logErr := logs.close()

	select {
	case <-pipeClosed:
		return exitWith(exitClosedPipe, nil)
	default:
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
	}
	if halted, onFailure := engine.Halted(); halted && onFailure {
		return exitWith(exitJobsFailed, nil)
	}
	if w.Summary.Failed > 0 {
		return exitWith(exitJobsFailed, nil)
	}
	return nil
}

// jobInput is the run's input, opened: records, or --pipe's blocks.
type jobInput struct {
	records input.Source
	blocks  *input.Blocks
}

// openInput opens the input: the records of stdin, -a files and :::
// sources, or with --pipe the blocks of stdin or its one -a FILE.
func openInput(o *options, stdin io.Reader) (jobInput, error) {
	if !o.pipe {
		src, err := input.Open(o.input, stdin, o.specs)
		return jobInput{records: src}, err
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
	if in.blocks != nil {
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
	return jobs
}

// throttle holds job starts back for --delay, --load and --memfree; nil
// without them. It stops waiting when drain closes (SIGHUP).
func throttle(o *options, drain <-chan struct{}) *exec.Throttle {
	if o.delay == 0 && o.load == 0 && o.memFree == 0 {
		return nil
	}
	return &exec.Throttle{Delay: o.delay, MaxLoad: o.load, MemFree: o.memFree, Proc: o.proc, Stop: drain}
}

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
			if err == nil {
				line = append(line, '\n')
				if _, err := out.Write(line); err != nil {
					return exitWith(exitClosedPipe, nil)
				}
				continue
			}
			j.Err = err
		}
		failed = true
		fmt.Fprintf(stderr, "pmap: job %d: %v\n", j.Seq, j.Err)
	}
	if err := out.Flush(); err != nil {
		return exitWith(exitClosedPipe, nil)
	}
	if failed {
		return exitWith(exitJobsFailed, nil)
	}
	return nil
}
