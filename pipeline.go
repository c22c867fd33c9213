package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/process"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// outputBudget is the memory all jobs' captured output may take together
// before it spills to a temporary file.
const outputBudget = 32 << 20

// config is the parsed command line.
type config struct {
	input   input.Config
	specs   []input.Spec
	expand  job.Expander
	maxArgs int
	key     *template.Template
	workers int
	dryRun  bool
	verbose bool
	process *process.Process
	output  output.Options

	timeout    exec.Timeout
	retries    int
	retryDelay time.Duration
	halt       exec.Halt
	results    string // --results FILE
	failed     string // --failed FILE
	joblog     string // --joblog FILE
	resume     bool
	resumeAll  bool // --resume-failed: failed jobs run again
	sources    int  // input sources, for --failed

	// runner replaces the process runner (in-process shell, persistent
	// workers, remote hosts) when a feature sets it.
	runner job.Runner
	// noAppend keeps the record from being appended to a template without
	// replacement strings (--pipe feeds it on stdin instead).
	noAppend bool
	// words is the command template, as given.
	words []string

	worker   workerConfig
	progress progressConfig
	throttle throttleConfig
	pipe     pipeConfig
	remote   remoteConfig
}

// configure turns the command line into a config, checking every value
// before anything runs.
func configure(c *cli.Context, given map[string]bool) (*config, error) {
	words, specs, err := input.SplitArgs(c.Args().Slice())
	if err != nil {
		return nil, usagef("", "%v", err)
	}
	cfg := &config{specs: specs, dryRun: c.Bool("dry-run"), verbose: c.Bool("verbose")}

	delim := "\n"
	null, delimSet := c.Bool("null"), c.String("delimiter") != ""
	if null && delimSet {
		// The command line wins over PMAP_NULL / PMAP_DELIMITER.
		switch {
		case given["delimiter"] && !given["null"]:
			null = false
		case given["null"] && !given["delimiter"]:
			delimSet = false
		default:
			return nil, usagef("use one of them", "-0 and -d both set the record delimiter")
		}
	}
	switch {
	case null:
		delim = "\x00"
	case delimSet:
		if delim, err = input.ParseDelimiter(c.String("delimiter")); err != nil {
			return nil, usagef("", "-d: %v", err)
		}
	}
	cfg.input = input.Config{
		Delimiter: delim,
		Colsep:    c.String("colsep"),
		CSV:       c.Bool("csv"),
		TSV:       c.Bool("tsv"),
		Header:    c.Bool("header"),
		JSON:      c.Bool("json"),
		SkipEmpty: c.Bool("no-run-if-empty"),
		Link:      c.Bool("link"),
		ArgFiles:  argFiles(c, given),
	}

	vars := map[string]string{}
	for _, v := range c.StringSlice("var") {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, usagef("write --var NAME=VALUE", "--var %q has no NAME=", v)
		}
		vars[name] = value
	}

	if s := c.String("max-args"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, usagef("", "-N %q: want a whole number of records per job, 1 or more", s)
		}
		cfg.maxArgs = n
	}
	xargs := c.Bool("X")

	cfg.workers, err = exec.ParseWorkers(c.String("workers"), exec.CPUs())
	if err != nil {
		return nil, usagef("", "-n: %v", err)
	}

	cfg.words = words
	for _, f := range cfg.features() {
		if err := f.configure(c, cfg); err != nil {
			return nil, err
		}
	}

	named := cfg.input.Header || cfg.input.JSON
	multi := cfg.maxArgs > 1 || xargs
	if len(words) > 0 {
		shell := false
		inprocess := false
		switch b := c.String("backend"); b {
		case "auto":
			shell = template.NeedsShell(words)
			inprocess = shell && inprocessAvailable
		case "exec":
		case "shell":
			shell = true
		case "inprocess":
			if !inprocessAvailable {
				return nil, usagef("use --backend shell or auto for now", "--backend inprocess is not available in this version")
			}
			shell, inprocess = true, true
		default:
			return nil, usagef("", "--backend %q: want auto, exec, shell or inprocess", b)
		}
		mode := template.Exec
		if shell {
			mode = template.Shell
		}
		// -N repeats a word holding {} per record, as -X does: GNU parallel
		// gives `-N2 cp {} dest/` two arguments, not one joined by a space.
		opts := template.Options{Mode: mode, Vars: vars, Named: named, ContextReplace: multi, NoAppend: cfg.noAppend, Remote: cfg.remote.hostPlaceholder()}
		t, err := template.Compile(words, opts)
		if err != nil {
			return nil, usagef("", "%v", err)
		}
		cfg.expand = job.Expander{Template: t, Shell: shell, Multi: multi}
		if inprocess && cfg.runner == nil {
			if cfg.runner, err = newInProcess(c, words, opts, multi); err != nil {
				return nil, usagef("", "%v", err)
			}
		}
	} else if xargs {
		return nil, usagef("give a command with {}", "-X needs a command template")
	}

	plain := func(flag string) (*template.Template, error) {
		s := c.String(flag)
		if s == "" {
			return nil, nil
		}
		t, err := template.Compile([]string{s}, template.Options{Mode: template.Plain, Vars: vars, Named: named, NoAppend: true})
		if err != nil {
			return nil, usagef("", "--%s: %v", flag, err)
		}
		return t, nil
	}
	if cfg.key, err = plain("key"); err != nil {
		return nil, err
	}
	tagString, err := plain("tagstring")
	if err != nil {
		return nil, err
	}

	termSeq, err := proc.ParseTermSeq(c.String("termseq"))
	if err != nil {
		return nil, usagef("", "--termseq: %v", err)
	}
	cfg.process = &process.Process{Shell: c.String("shell"), TermSeq: termSeq}

	format, err := output.ParseFormat(c.String("format"))
	if err != nil {
		return nil, usagef("", "--format: %v", err)
	}
	cfg.output = output.Options{
		Unordered:  c.Bool("unordered"),
		LineBuffer: c.Bool("line-buffer"),
		Ungroup:    c.Bool("ungroup"),
		Format:     format,
		Tag:        c.Bool("tag"),
		TagString:  tagString,
		Multi:      multi,
	}
	if format != output.Raw && (cfg.output.LineBuffer || cfg.output.Ungroup) {
		return nil, usagef("drop --line-buffer/--ungroup", "--format %s needs each job's whole output", c.String("format"))
	}
	if err := cfg.configureFailures(c, given); err != nil {
		return nil, err
	}
	cfg.sources = len(specs) + len(cfg.input.ArgFiles)
	return cfg, nil
}

// jobSource opens the input and groups it into jobs.
func (cfg *config) jobSource(stdin io.Reader) (*exec.JobSource, error) {
	if cfg.pipe.enabled {
		return cfg.pipe.jobSource(cfg, stdin)
	}
	src, err := input.Open(cfg.input, stdin, cfg.specs)
	if err != nil {
		return nil, err
	}
	jobs := exec.NewJobSource(src)
	jobs.MaxArgs = cfg.maxArgs
	jobs.Workers = cfg.workers
	jobs.Key = cfg.key
	if cfg.expand.Multi && cfg.maxArgs <= 1 {
		jobs.Pack = cfg.expand.Template
	}
	return jobs, nil
}

// execute runs the pipeline and returns the exit code.
func (cfg *config) execute(stdin io.Reader, stdout, stderr io.Writer) int {
	jobs, err := cfg.jobSource(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "pmap: error: %v\n", err)
		return exitUsage
	}
	bufOut := bufio.NewWriterSize(stdout, 64<<10)
	if cfg.dryRun {
		return cfg.dryRunJobs(jobs, bufOut, stderr)
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	// Set from the signal goroutine and from output's writers.
	var pipeClosed atomic.Bool
	var exitSignal atomic.Int32
	cfg.output.Stdout, cfg.output.Stderr = bufOut, stderr
	cfg.output.OnBroken = func() {
		pipeClosed.Store(true)
		cancel(errors.New("stdout closed"))
	}
	drain := make(chan struct{})
	sp := spool.New(outputBudget, "")
	defer sp.Close()
	engine := &exec.Engine{
		Workers:    cfg.workers,
		Runner:     cfg.process,
		Expand:     &cfg.expand,
		Spool:      sp,
		Drain:      drain,
		Timeout:    cfg.timeout,
		Retries:    cfg.retries,
		RetryDelay: cfg.retryDelay,
		Halt:       cfg.halt,
	}
	if cfg.runner != nil {
		engine.Runner = cfg.runner
	}
	env := &runEnv{engine: engine, output: &cfg.output, stdin: stdin, stdout: stdout, stderr: stderr}
	for _, f := range cfg.features() {
		if err := f.apply(cfg, env); err != nil {
			fmt.Fprintf(stderr, "pmap: error: %v\n", err)
			return exitUsage
		}
	}
	closeLogs, err := cfg.openLogs(engine)
	if err != nil {
		fmt.Fprintf(stderr, "pmap: error: %v\n", err)
		return exitUsage
	}
	if cfg.output.Joblog != nil {
		engine.OnFinish = cfg.output.Joblog.Write
	}
	w := output.New(cfg.output)
	if cfg.output.LineBuffer || cfg.output.Ungroup {
		engine.Live = w.Live
	}
	if cfg.verbose {
		engine.OnStart = w.Verbose
	}

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	defer signal.Stop(sigs)
	sigDone := make(chan struct{})
	defer close(sigDone)
	go func() {
		hup := false
		for {
			select {
			case <-sigDone:
				return
			case s := <-sigs:
				switch s {
				case syscall.SIGHUP:
					if !hup {
						hup = true
						close(drain)
					}
				case syscall.SIGINT, syscall.SIGTERM:
					if exitSignal.Load() != 0 {
						cfg.process.KillAll(syscall.SIGKILL)
						job.KillAll(engine.Runner, syscall.SIGKILL)
						continue
					}
					code := int32(exitInterrupted)
					if s == syscall.SIGTERM {
						code = exitTerminated
					}
					exitSignal.Store(code)
					cancel(fmt.Errorf("pmap got %v", s))
				}
			}
		}
	}()

	results := make(chan *job.Result, cfg.workers)
	var runErr error
	go func() {
		runErr = engine.Run(ctx, jobs, results)
		job.Close(engine.Runner) // long-lived runners (--worker, --ssh) end with the run
		close(results)
	}()
	w.Consume(results)
	bufOut.Flush()
	logErr := closeLogs()

	switch {
	case pipeClosed.Load():
		return exitClosedPipe
	case exitSignal.Load() != 0:
		w.Summary.WriteTo(stderr)
		return int(exitSignal.Load())
	case runErr != nil:
		w.Summary.WriteTo(stderr)
		fmt.Fprintf(stderr, "pmap: error: %v\n", runErr)
		return exitUsage
	case engine.Aborted() != nil:
		w.Summary.WriteTo(stderr)
		fmt.Fprintf(stderr, "pmap: error: %v\n", engine.Aborted())
		return exitJobsFailed
	}
	w.Summary.WriteTo(stderr)
	if logErr != nil {
		fmt.Fprintf(stderr, "pmap: error: %v\n", logErr)
		return exitUsage
	}
	if halted, onFailure := engine.Halted(); halted && onFailure {
		return exitJobsFailed
	}
	if w.Summary.Failed > 0 {
		return exitJobsFailed
	}
	return exitOK
}

// dryRunJobs prints each job's command and starts nothing. The slot shown
// by {%} is the one the job would get with every job taking equally long.
func (cfg *config) dryRunJobs(jobs *exec.JobSource, out *bufio.Writer, stderr io.Writer) int {
	code := exitOK
	var line []byte
	for {
		j, err := jobs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "pmap: error: %v\n", err)
			return exitUsage
		}
		if j.Err == nil {
			slot := int((j.Seq-1)%int64(cfg.workers)) + 1
			line, err = cfg.expand.AppendLine(line[:0], j, slot)
			if err == nil {
				line = append(line, '\n')
				if _, err := out.Write(line); err != nil {
					return exitClosedPipe
				}
				continue
			}
			j.Err = err
		}
		code = exitJobsFailed
		fmt.Fprintf(stderr, "pmap: job %d: %v\n", j.Seq, j.Err)
	}
	if err := out.Flush(); err != nil {
		return exitClosedPipe
	}
	return code
}

// argFiles are the -a files. An empty PMAP_ARG_FILE means none, as an
// empty variable does for every other option.
func argFiles(c *cli.Context, given map[string]bool) []string {
	files := c.StringSlice("arg-file")
	if given["arg-file"] {
		return files
	}
	var set []string
	for _, f := range files {
		if f != "" {
			set = append(set, f)
		}
	}
	return set
}

// configureFailures reads the options of timeouts, retries, halting and
// the logs that let a run be resumed.
func (cfg *config) configureFailures(c *cli.Context, given map[string]bool) error {
	var err error
	if s := c.String("timeout"); s != "" {
		if cfg.timeout, err = exec.ParseTimeout(s); err != nil {
			return usagef("", "%v", err)
		}
	}
	if cfg.retries, err = strconv.Atoi(c.String("retries")); err != nil || cfg.retries < 0 {
		return usagef("", "--retries %q: want a whole number, 0 or more", c.String("retries"))
	}
	if cfg.retryDelay, err = proc.ParseDuration(c.String("retry-delay"), time.Second); err != nil {
		return usagef("", "--retry-delay: %v", err)
	}
	if cfg.halt, err = exec.ParseHalt(c.String("halt")); err != nil {
		return usagef("", "%v", err)
	}
	if c.Bool("fail-fast") {
		if given["halt"] {
			return usagef("--fail-fast is --halt now,fail=1: give one of them", "--fail-fast and --halt both set")
		}
		cfg.halt = exec.Halt{Kind: exec.HaltFail, Now: true, Count: 1}
	}
	cfg.results, cfg.failed, cfg.joblog = c.String("results"), c.String("failed"), c.String("joblog")
	cfg.resume = c.Bool("resume") || c.Bool("resume-failed")
	cfg.resumeAll = c.Bool("resume-failed")
	if cfg.resume && cfg.joblog == "" {
		return usagef("add --joblog FILE: resuming reads it", "--resume needs --joblog")
	}
	return nil
}

// openLogs opens the --results, --failed and --joblog files and reads the
// joblog for --resume. close closes what was opened and reports write errors.
func (cfg *config) openLogs(engine *exec.Engine) (close func() error, err error) {
	var closers []func() error
	close = func() error {
		var first error
		for _, c := range closers {
			if err := c(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	defer func() {
		if err != nil {
			close()
		}
	}()
	if cfg.resume {
		r, err := output.ReadResume(cfg.joblog, cfg.resumeAll)
		if err != nil {
			return close, err
		}
		engine.Skip = r.Skip
	}
	if cfg.joblog != "" {
		jl, err := output.OpenJoblog(cfg.joblog, cfg.resume)
		if err != nil {
			return close, err
		}
		cfg.output.Joblog = jl
		closers = append(closers, jl.Close)
	}
	if cfg.failed != "" {
		fw, err := output.OpenFailed(cfg.failed, cfg.input.Delimiter, cfg.sources)
		if err != nil {
			return close, err
		}
		cfg.output.Failed = fw
		closers = append(closers, fw.Close)
	}
	if cfg.results != "" {
		f, err := os.Create(cfg.results)
		if err != nil {
			return close, fmt.Errorf("--results: %w", err)
		}
		bw := bufio.NewWriter(f)
		cfg.output.Results = bw
		closers = append(closers, func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return fmt.Errorf("--results: %w", err)
			}
			return f.Close()
		})
	}
	return close, nil
}
