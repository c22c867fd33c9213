package main

import (
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/shlex"
	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/remote"
	"github.com/pmap-dev/pmap/exec/slurm"
	"github.com/pmap-dev/pmap/input"
)

// info is what the info flags ask for: print something about pmap
// instead of running (--help, --version, --completion).
type info struct {
	help, version bool
	completion    string
}

// readInfo reads the info flags.
func readInfo(c *cli.Context) info {
	return info{help: c.Bool("help"), version: c.Bool("version"), completion: c.String("completion")}
}

// readOptions reads every option of c once into options and checks it,
// before anything runs. given names the options set on the command line,
// which win over the PMAP_<NAME> variables.
func readOptions(c *cli.Context, given map[string]bool) (*options, error) {
	r := &reader{c: c, given: given}
	seps, err := r.separators()
	if err != nil {
		return nil, err
	}
	words, specs, err := input.SplitArgsWith(c.Args().Slice(), seps)
	if err != nil {
		return nil, usagef("", "%v", err)
	}
	o := &options{words: words, specs: specs, dryRun: c.Bool("dry-run"), verbose: c.Bool("verbose")}
	steps := []func(*options) error{
		r.readInput, r.readTemplate, r.readWorkers, r.readSlotVars, r.readDefaults, r.readProgress, r.readWorker,
		r.readThrottle, r.readPipe, r.readRemote, r.readBackend, r.readRunning,
		r.readSlurm, r.readShard,
		r.readOutput, r.readFailures, r.readRetryFailed,
	}
	for _, step := range steps {
		if err := step(o); err != nil {
			return nil, err
		}
	}
	if err := checkConflicts(o); err != nil {
		return nil, err
	}
	return o, nil
}

// reader reads the options of one command line into options (the type
// and what derives from it are in optionset.go).
type reader struct {
	c     *cli.Context
	given map[string]bool
}

// commandLineWins settles two options that exclude each other when both
// are set: the one given on the command line wins over the one that came
// from its PMAP_<NAME> variable; both on the command line is an error.
// It returns whether a and b stay set. This is the one place of the rule
// "the command line wins".
func (r *reader) commandLineWins(a, b string, err error) (keepA, keepB bool, _ error) {
	switch {
	case r.given[a] && !r.given[b]:
		return true, false, nil
	case r.given[b] && !r.given[a]:
		return false, true, nil
	}
	return true, true, err
}

func (r *reader) readInput(o *options) error {
	c := r.c
	delim := "\n"
	null, delimSet := c.Bool("null"), c.String("delimiter") != ""
	if r.given["delimiter"] && !delimSet {
		// An empty PMAP_DELIMITER means none, as for every option; an
		// empty -d on the command line is a mistake, not newline mode.
		return usagef("write -d '\\n' for lines, -0 for NUL", "-d '': the delimiter is empty")
	}
	if null && delimSet {
		var err error
		null, delimSet, err = r.commandLineWins("null", "delimiter",
			usagef("use one of them", "-0 and -d both set the record delimiter"))
		if err != nil {
			return err
		}
	}
	switch {
	case null:
		delim = "\x00"
	case delimSet:
		var err error
		if delim, err = input.ParseDelimiter(c.String("delimiter")); err != nil {
			return usagef("", "-d: %v", err)
		}
	}
	o.header = r.header()
	o.input = input.Config{
		Delimiter: delim,
		Colsep:    c.String("colsep"),
		CSV:       c.Bool("csv"),
		TSV:       c.Bool("tsv"),
		Header:    o.header == ":" || o.header == "1",
		JSON:      c.Bool("json"),
		SkipEmpty: c.Bool("no-run-if-empty"),
		Shuffle:   c.Bool("shuf"),
		Trim:      c.String("trim"),
		Link:      c.Bool("link"),
		ArgFiles:  r.argFiles(),
		EOF:       c.String("eof"),
	}
	return nil
}

// separators are the words that start sources: ::: and ::::, or
// --arg-sep and --arg-file-sep, as in GNU parallel.
func (r *reader) separators() (input.Separators, error) {
	seps := input.DefaultSeparators
	if s := r.c.String("arg-sep"); s != "" {
		seps.Values = s
	}
	if s := r.c.String("arg-file-sep"); s != "" {
		seps.Files = s
	}
	if seps.Values == seps.Files || seps.Values == seps.Files+"+" || seps.Files == seps.Values+"+" {
		return seps, usagef("give --arg-sep and --arg-file-sep different words",
			"--arg-sep %q and --arg-file-sep %q cannot be told apart", seps.Values, seps.Files)
	}
	return seps, nil
}

// header is --header's value: ":" for a bare --header (normalizeArgs
// writes it so), "" for none. PMAP_HEADER may be a switch: true is the
// first line, false none, as a number 0 is in GNU parallel.
func (r *reader) header() string {
	switch v := r.c.String("header"); v {
	case "", "0", "false":
		return ""
	case "true":
		return ":"
	default:
		return v
	}
}

// argFiles are the -a files. An empty PMAP_ARG_FILE means none, as an
// empty variable does for every other option.
func (r *reader) argFiles() []string {
	files := r.c.StringSlice("arg-file")
	if r.given["arg-file"] {
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

func (r *reader) readTemplate(o *options) error {
	c := r.c
	o.vars = map[string]string{}
	for _, v := range c.StringSlice("var") {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return usagef("write --var NAME=VALUE", "--var %q has no NAME=", v)
		}
		if err := checkVarName(name); err != nil {
			return err
		}
		if prev, dup := o.vars[name]; dup {
			return usagef("give each name once", "--var %s is given twice (%q and %q)", name, prev, value)
		}
		o.vars[name] = value
	}
	if s := c.String("max-args"); s != "" {
		n, err := parseArgCount(s)
		if err != nil {
			return usagef("write -N 4, -N 1k (1000) or -N 1ki (1024); -N 0 runs the command once per record with no arguments",
				"-N %q: want a whole number of records per job, 0 or more", s)
		}
		o.maxArgs, o.noArgs = n, n == 0
	}
	o.plus = c.Bool("plus")
	if c.Bool("quote") {
		o.words = quoteWords(o.words)
	}
	o.xargs, o.mArgs = c.Bool("X") || c.Bool("m"), c.Bool("m")
	o.key, o.tagString = c.String("key"), c.String("tagstring")
	return nil
}

func (r *reader) readWorkers(o *options) error {
	o.workersSpec = r.c.String("workers")
	if r.given[spelledN] && strings.TrimSpace(o.workersSpec) == "0" {
		// GNU parallel's -n 0 is -N 0 (no arguments); pmap's -n is GNU's
		// -j, whose 0 would silently run something else.
		return usagef("pmap's -n is GNU parallel's -j: for GNU's -n 0 (a job per record, without it) write -N 0; for as many jobs at once as possible, -j 0",
			"-n 0: pmap's -n is the number of jobs at once, not GNU parallel's --max-args")
	}
	var err error
	if o.workers, err = exec.ParseWorkers(o.workersSpec, exec.CPUs()); err != nil {
		return usagef("", "-n: %v", err)
	}
	return nil
}

func (r *reader) readProgress(o *options) error {
	on, off := r.c.Bool("progress"), r.c.Bool("no-progress")
	if on && off {
		var err error
		on, off, err = r.commandLineWins("progress", "no-progress",
			usagef("give one of them", "--progress and --no-progress both set"))
		if err != nil {
			return err
		}
	}
	switch {
	case on:
		o.progress = progressOn
	case off:
		o.progress = progressOff
	}
	return nil
}

func (r *reader) readWorker(o *options) error {
	o.worker = r.c.Bool("worker")
	s := r.c.String("worker-restarts")
	n, err := strconv.Atoi(s)
	if o.worker && (err != nil || n < 0) {
		return usagef("", "--worker-restarts %q: want a whole number, 0 or more", s)
	}
	o.workerRestarts = n
	s = r.c.String("worker-window")
	n, err = strconv.Atoi(s)
	if o.worker && (err != nil || n < 1) {
		return usagef("--worker-window 1 sends a record only once the one before it is answered", "--worker-window %q: want a whole number, 1 or more", s)
	}
	o.workerWindow = n
	return nil
}

func (r *reader) readThrottle(o *options) error {
	c := r.c
	var err error
	o.proc = envProc()
	if s := c.String("delay"); s != "" {
		if o.delay, err = proc.ParseDuration(s, time.Second); err != nil {
			return usagef("", "--delay: %v", err)
		}
	}
	if s := c.String("load"); s != "" {
		if o.load, err = parseLoad(s, exec.CPUs()); err != nil {
			return usagef("", "--load: %v", err)
		}
	}
	if s := c.String("nice"); s != "" {
		if o.nice, err = strconv.Atoi(s); err != nil || o.nice < -39 || o.nice > 39 {
			return usagef("", "--nice %q: want a whole number from -39 to 39 (as nice -n)", s)
		}
	}
	if s := c.String("memfree"); s != "" {
		if o.memFree, err = input.ParseSize(s); err != nil {
			return usagef("", "--memfree: %v", err)
		}
	}
	return nil
}

func (r *reader) readPipe(o *options) error {
	c := r.c
	o.pipePart = c.Bool("pipepart")
	o.pipe = c.Bool("pipe") || o.pipePart
	o.blockSet, o.maxLinesSet = c.IsSet("block"), c.IsSet("max-lines")
	o.recSet = c.IsSet("recend") || c.IsSet("recstart") || c.Bool("regexp")
	if !o.pipe {
		return nil
	}
	size, err := input.ParseSize(c.String("block"))
	if err != nil {
		return usagef("", "--block: %v", err)
	}
	if size < 1 || size > 1<<40 {
		return usagef("", "--block %q: want a size from 1 byte to 1T", c.String("block"))
	}
	o.block = input.BlockOptions{Size: int(size), Delimiter: o.input.Delimiter, Name: "stdin"}
	if s := c.String("max-lines"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return usagef("", "-L %q: want a whole number of records, 1 or more", s)
		}
		o.block.Lines = n
	}
	if err := r.readRecords(o); err != nil {
		return err
	}
	// -N counts records per block here; the jobs themselves have none.
	o.block.Records, o.maxArgs = o.maxArgs, 0
	if files := o.input.ArgFiles; len(files) == 1 {
		o.pipeFile = files[0]
		if o.pipeFile != "-" {
			o.block.Name = o.pipeFile
		}
	}
	return nil
}

// readRecords reads how --pipe finds its records and header: --recend,
// --recstart, --regexp (GNU parallel's record separators) and --header,
// which with --pipe is a header put in front of every block, not names.
func (r *reader) readRecords(o *options) error {
	c := r.c
	if o.header != "" {
		re, err := input.PipeHeader(o.header)
		if err != nil {
			return usagef("give a number of lines, or a regular expression (RE2 syntax) such as '.*\\n'", "%v", err)
		}
		o.block.Header, o.input.Header = re, false
	}
	endSet, startSet := c.IsSet("recend"), c.IsSet("recstart")
	if !endSet && !startSet {
		o.block.Regexp = c.Bool("regexp")
		return nil
	}
	if r.given["null"] || r.given["delimiter"] {
		return usagef("give the record end once, with --recend", "--recend/--recstart and -0/-d both set where --pipe records end")
	}
	o.block.Regexp = c.Bool("regexp")
	end, start := c.String("recend"), c.String("recstart")
	if !o.block.Regexp {
		end, start = input.UnescapeRecordSeparator(end), input.UnescapeRecordSeparator(start)
	}
	if !endSet {
		end = "" // --recstart alone: a record is anything up to the next start
	}
	if endSet && end == "" && start == "" {
		// --recend '' alone: records have no end, so a block is cut at its
		// size (GNU parallel's fixed-length records), as --regexp's empty
		// record end, any one byte, cuts it.
		o.block.Regexp = true
	}
	if o.block.Regexp {
		if _, err := input.CompileRecordRegexp(end, start); err != nil {
			return usagef("--regexp takes RE2 syntax (Go's regexp), close to Perl's for common expressions", "--recend/--recstart: %v", err)
		}
	}
	o.block.Delimiter, o.block.RecStart = end, start
	return nil
}

func (r *reader) readBackend(o *options) error {
	o.backend = backendKind(r.c.String("backend"))
	if slices.Contains(backendKinds, o.backend) {
		return nil
	}
	return usagef("", "--backend %q: want auto, exec, shell or inprocess", string(o.backend))
}

func (r *reader) readRunning(o *options) error {
	var err error
	o.shell, o.shellSet = r.c.String("shell"), r.c.IsSet("shell")
	if o.termSeq, err = proc.ParseTermSeq(r.c.String("termseq")); err != nil {
		return usagef("", "--termseq: %v", err)
	}
	return nil
}

// readSlurm reads --slurm, --slurm-args and --slurm-wait. A --launcher
// that starts with srun (without --ssh) is --slurm, its srun flags the
// user's. Steps run inside the allocation
// pmap runs in, and -n auto is its size; outside of one each job is a
// Slurm job of its own (backend.start warns).
func (r *reader) readSlurm(o *options) error {
	c := r.c
	o.slurm, o.slurmArgs = c.Bool("slurm"), c.String("slurm-args")
	first, _, _ := strings.Cut(strings.TrimSpace(o.launcher), " ")
	if path.Base(first) == "srun" && len(o.hosts) == 0 && !o.slurm && o.slurmArgs == "" {
		o.slurm, o.slurmLauncher, o.slurmArgs, o.launcher = true, true, o.launcher, ""
	}
	if s := c.String("slurm-wait"); s != "" {
		var err error
		if o.slurmWait, err = proc.ParseDuration(s, time.Second); err != nil || o.slurmWait <= 0 {
			return usagef("for example --slurm-wait 5m", "--slurm-wait %q: want a duration above 0", s)
		}
	}
	if !o.slurm {
		if o.slurmArgs != "" || o.slurmWait > 0 {
			return usagef("add --slurm", "--slurm-args and --slurm-wait apply to --slurm")
		}
		return nil
	}
	var err error
	if o.alloc, err = slurm.ReadAlloc(os.Getenv); err != nil {
		return usagef("", "--slurm: %v", err)
	}
	if !c.IsSet("termseq") {
		// srun, sent TERM, cancels its step and waits for it to end; a
		// KILL before that leaves the step running (pmap cancels it then).
		o.termSeq = proc.TermSeq{{Signal: syscall.SIGTERM, Wait: 10 * time.Second}, {Signal: syscall.SIGKILL}}
	}
	if o.alloc.CPUs > 0 && !c.IsSet("slot-var") {
		if o.workers, err = exec.ParseWorkers(o.workersSpec, o.alloc.CPUs); err != nil {
			return usagef("", "-n: %v", err)
		}
	}
	return nil
}

// readShard reads --shard K/N.
func (r *reader) readShard(o *options) error {
	if s := r.c.String("shard"); s != "" {
		var err error
		if o.shard, err = exec.ParseShard(s); err != nil {
			return usagef("for a job array: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT", "--shard: %v", err)
		}
	}
	return nil
}

func (r *reader) readRemote(o *options) error {
	c := r.c
	for _, s := range c.StringSlice("ssh") {
		if strings.TrimSpace(s) == "" {
			continue // an empty PMAP_SSH
		}
		hs, err := remote.ParseLogins(s)
		if err != nil {
			return usagef("write --ssh [N/][user@]host[:port], or --ssh : for this machine", "--ssh: %v", err)
		}
		o.hosts = append(o.hosts, hs...)
	}
	if file := c.String("ssh-login-file"); file != "" {
		hs, err := readLoginFile(file)
		if err != nil {
			return err
		}
		o.hosts = append(o.hosts, hs...)
	}
	o.launcher = c.String("launcher")
	if len(o.hosts) == 0 {
		return nil
	}
	var err error
	o.sshCmd, err = shlex.Split(c.String("ssh-cmd"))
	if err != nil {
		return usagef("for example --ssh-cmd 'ssh -i key -p 2222'", "--ssh-cmd %q: want a command", c.String("ssh-cmd"))
	}
	if len(o.sshCmd) == 0 {
		o.sshCmd = []string{"ssh"} // an empty PMAP_SSH_CMD
	}
	return nil
}
