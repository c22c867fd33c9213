package main

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"
	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/remote"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
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
	words, specs, err := input.SplitArgs(c.Args().Slice())
	if err != nil {
		return nil, usagef("", "%v", err)
	}
	o := &options{words: words, specs: specs, dryRun: c.Bool("dry-run"), verbose: c.Bool("verbose")}
	steps := []func(*options) error{
		r.readInput, r.readTemplate, r.readWorkers, r.readSlotVars, r.readDefaults, r.readProgress, r.readWorker,
		r.readThrottle, r.readPipe, r.readRemote, r.readBackend, r.readRunning,
		r.readOutput, r.readFailures,
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
	o.input = input.Config{
		Delimiter: delim,
		Colsep:    c.String("colsep"),
		CSV:       c.Bool("csv"),
		TSV:       c.Bool("tsv"),
		Header:    c.Bool("header"),
		JSON:      c.Bool("json"),
		SkipEmpty: c.Bool("no-run-if-empty"),
		Link:      c.Bool("link"),
		ArgFiles:  r.argFiles(),
	}
	return nil
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
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return usagef("", "-N %q: want a whole number of records per job, 1 or more", s)
		}
		o.maxArgs = n
	}
	o.xargs = c.Bool("X")
	o.key, o.tagString = c.String("key"), c.String("tagstring")
	return nil
}

func (r *reader) readWorkers(o *options) error {
	o.workersSpec = r.c.String("workers")
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
	if s := c.String("memfree"); s != "" {
		if o.memFree, err = input.ParseSize(s); err != nil {
			return usagef("", "--memfree: %v", err)
		}
	}
	return nil
}

func (r *reader) readPipe(o *options) error {
	c := r.c
	o.pipe = c.Bool("pipe")
	o.blockSet, o.maxLinesSet = c.IsSet("block"), c.IsSet("max-lines")
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

func (r *reader) readOutput(o *options) error {
	c := r.c
	var err error
	o.formatName = c.String("format")
	if o.format, err = output.ParseFormat(o.formatName); err != nil {
		return usagef("", "--format: %v", err)
	}
	o.unordered, o.lineBuffer, o.ungroup = c.Bool("unordered"), c.Bool("line-buffer"), c.Bool("ungroup")
	o.tag = c.Bool("tag")
	o.value, o.exitZero = c.Bool("value"), c.Bool("exit-zero")
	if s := c.String("fail-value"); s != "" {
		o.failValueSet = true
		if o.failValue, err = output.ParseFailValue(s); err != nil {
			return usagef("quote it for the shell: --fail-value '\"n/a\"'", "--fail-value: %v", err)
		}
	}
	return nil
}

// readFailures reads the options of timeouts, retries, halting and the
// logs that let a run be resumed.
func (r *reader) readFailures(o *options) error {
	c := r.c
	var err error
	if s := c.String("timeout"); s != "" {
		if o.timeout, err = exec.ParseTimeout(s); err != nil {
			return usagef("", "%v", err)
		}
	}
	if o.retries, err = strconv.Atoi(c.String("retries")); err != nil || o.retries < 0 {
		return usagef("", "--retries %q: want a whole number, 0 or more", c.String("retries"))
	}
	if o.retryDelay, err = proc.ParseDuration(c.String("retry-delay"), time.Second); err != nil {
		return usagef("", "--retry-delay: %v", err)
	}
	if o.halt, err = exec.ParseHalt(c.String("halt")); err != nil {
		return usagef("", "%v", err)
	}
	if c.Bool("fail-fast") {
		if r.given["halt"] {
			return usagef("--fail-fast is --halt now,fail=1: give one of them", "--fail-fast and --halt both set")
		}
		o.halt = exec.Halt{Kind: exec.HaltFail, Now: true, Count: 1}
	}
	o.results, o.failed, o.joblog = c.String("results"), c.String("failed"), c.String("joblog")
	o.resume = c.Bool("resume") || c.Bool("resume-failed")
	o.resumeAll = c.Bool("resume-failed")
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

// readSlotVars reads --slot-var. Without -n the number of values is the
// number of workers; with it, every slot must have a value and every value
// a slot.
func (r *reader) readSlotVars(o *options) error {
	for _, v := range r.c.StringSlice("slot-var") {
		name, list, ok := strings.Cut(v, "=")
		if !ok || name == "" || list == "" {
			return usagef("write --slot-var NAME=V1,V2,... (one value per worker slot)", "--slot-var %q has no NAME=VALUES", v)
		}
		if err := checkVarName(name); err != nil {
			return err
		}
		if name == slot0Name {
			return usagef("pick another name", "--slot-var %s: {%s} is the 0-based slot number already", name, name)
		}
		if _, dup := o.vars[name]; dup {
			return usagef("give each name once", "--slot-var %s: --var %s is the same name", name, name)
		}
		for _, sv := range o.slotVars {
			if sv.name == name {
				return usagef("give each name once", "--slot-var %s is given twice", name)
			}
		}
		o.slotVars = append(o.slotVars, slotVar{name: name, values: strings.Split(list, ",")})
	}
	if _, dup := o.vars[slot0Name]; dup {
		return usagef("pick another name", "--var %s: {%s} is the 0-based slot number", slot0Name, slot0Name)
	}
	if len(o.slotVars) == 0 {
		return nil
	}
	first := o.slotVars[0]
	if !r.c.IsSet("workers") {
		o.workers = len(first.values)
		o.workersSpec = strconv.Itoa(o.workers)
	}
	for _, sv := range o.slotVars {
		if len(sv.values) != o.workers {
			return usagef("give one value per slot, or set -n to the number of values",
				"--slot-var %s has %d values for %d worker slots", sv.name, len(sv.values), o.workers)
		}
	}
	return nil
}

// readDefaults reads --default NAME=VALUE: the value of a --json record's
// top-level field NAME when it is missing, null or "".
func (r *reader) readDefaults(o *options) error {
	for _, v := range r.c.StringSlice("default") {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return usagef("write --default NAME=VALUE (VALUE may be empty)", "--default %q has no NAME=", v)
		}
		if err := checkVarName(name); err != nil {
			return err
		}
		if strings.Contains(name, ".") {
			return usagef("name a top-level field", "--default %s: only a top-level field can have a default, not a path", name)
		}
		if _, dup := o.vars[name]; dup {
			return usagef("drop one of them", "--default %s: --var %s is the same name, and the field would always win", name, name)
		}
		if prev, dup := o.defaults[name]; dup {
			return usagef("give each name once", "--default %s is given twice (%q and %q)", name, prev, value)
		}
		if o.defaults == nil {
			o.defaults = map[string]string{}
		}
		o.defaults[name] = value
	}
	return nil
}
