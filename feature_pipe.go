package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/input"
)

// pipeConfig holds the options of --pipe: the input is cut into blocks of
// whole records, and each block is one job's standard input.
type pipeConfig struct {
	enabled bool
	opts    input.BlockOptions
	// file is the one -a FILE read instead of stdin; "" or "-" for stdin.
	file string
}

func pipeFlags() []cli.Flag {
	return []cli.Flag{
		boolFlag(catInput, "pipe", nil, "cut the input into blocks of whole records and feed each block to a job's stdin"),
		stringFlag(catInput, "block", nil, "1M", "--pipe blocks of up to `SIZE` (bytes, or 512k, 10M: K M G are 1024-based)"),
		stringFlag(catInput, "max-lines", []string{"L"}, "", "--pipe: `N` records make one that blocks never split (4 for FASTQ)"),
	}
}

func (f *pipeConfig) configure(c *cli.Context, cfg *config) error {
	f.enabled = c.Bool("pipe")
	if !f.enabled {
		switch {
		case c.IsSet("block"):
			return usagef("add --pipe to feed blocks of input to the jobs' stdin", "--block only applies with --pipe")
		case c.IsSet("max-lines"):
			return usagef("use -N for records per job; -L is for --pipe", "-L only applies with --pipe")
		}
		return nil
	}
	size, err := input.ParseSize(c.String("block"))
	if err != nil {
		return usagef("", "--block: %v", err)
	}
	if size < 1 || size > 1<<40 {
		return usagef("", "--block %q: want a size from 1 byte to 1T", c.String("block"))
	}
	f.opts = input.BlockOptions{Size: int(size), Delimiter: cfg.input.Delimiter, Name: "stdin"}
	if s := c.String("max-lines"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return usagef("", "-L %q: want a whole number of records, 1 or more", s)
		}
		f.opts.Lines = n
	}
	// -N counts records per block here; the jobs themselves have none.
	f.opts.Records, cfg.maxArgs = cfg.maxArgs, 0

	in := cfg.input
	for _, o := range []struct {
		name string
		set  bool
	}{
		{"-X", c.Bool("X")}, {"--csv", in.CSV}, {"--tsv", in.TSV}, {"--json", in.JSON},
		{"--colsep", in.Colsep != ""}, {"--header", in.Header}, {"-r", in.SkipEmpty},
		{"--resume", c.Bool("resume") || c.Bool("resume-failed")}, {"--failed", c.String("failed") != ""},
		{"--worker", c.Bool("worker")}, // workers read records as lines, not blocks
	} {
		if o.set {
			return usagef("--pipe passes blocks of input as read, on stdin: there are no records, fields or arguments to work with",
				"--pipe and %s cannot be combined", o.name)
		}
	}
	if len(cfg.specs) > 0 {
		return usagef("pipe the data in, or give it as -a FILE", "--pipe reads standard input; ::: and :::: give arguments instead")
	}
	switch files := cfg.input.ArgFiles; len(files) {
	case 0:
	case 1:
		f.file = files[0]
		if f.file != "-" {
			f.opts.Name = f.file
		}
	default:
		return usagef("give one -a FILE, or concatenate them: cat A B | pmap --pipe ...", "--pipe reads one input; got %d -a files", len(files))
	}
	if len(cfg.words) == 0 {
		return usagef("give the command that reads each block, e.g. pmap --pipe wc -l", "--pipe needs a command")
	}
	cfg.noAppend = true // the block goes to stdin, not to the argv
	return nil
}

// jobSource returns one job per block of the input.
func (f *pipeConfig) jobSource(cfg *config, stdin io.Reader) (*exec.JobSource, error) {
	r := stdin
	if f.file != "" && f.file != "-" {
		fh, err := os.Open(f.file)
		if err != nil {
			return nil, err
		}
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			fh.Close()
			return nil, &fs.PathError{Op: "open", Path: f.file, Err: errors.New("is a directory")}
		}
		// The file stays open for the run; pmap exits when it ends.
		r = fh
	}
	jobs := exec.NewPipeJobSource(input.NewBlocks(r, f.opts))
	jobs.Workers = cfg.workers
	jobs.Key = cfg.key
	return jobs, nil
}

func (f *pipeConfig) apply(cfg *config, env *runEnv) error {
	if !f.enabled {
		return nil
	}
	// A job has no record, so a replacement string that needs one ({1},
	// {name}) could only fail every job: say so once, up front.
	if _, err := cfg.expand.Command(&job.Job{Seq: 1, Key: "1", Stdin: []byte{}}, 1); err != nil {
		return fmt.Errorf("--pipe: %w (a --pipe job's input is its stdin; {} is empty, {#} and {%%} work)", err)
	}
	env.engine.Runner = &exec.PipeRunner{Runner: env.engine.Runner, Retries: env.engine.Retries}
	return nil
}
