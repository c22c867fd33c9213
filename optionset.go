package main

import (
	"time"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/remote"
	"github.com/pmap-dev/pmap/exec/slurm"
	"github.com/pmap-dev/pmap/input"
	"github.com/pmap-dev/pmap/output"
)

// options is the command line, read once: every flag of flags.go parsed
// into a typed value by options.go (the only file that asks the flag
// parser for a value) and checked against the rules of conflicts.go; the
// rest of pmap reads options and never changes it once the run started.
type options struct {
	// words is the command template as given; none means each record is
	// itself a command line.
	words []string
	// specs are the ::: and :::: sources.
	specs []input.Spec
	input input.Config
	// maxArgs is -N: records per job (0 or 1: one). With --pipe it counts
	// records per block instead (pipe.Records), and is 0.
	maxArgs int
	// noArgs is -N 0: one job per record, run with no arguments (GNU
	// parallel's way of running a command N times).
	noArgs bool
	// plus is --plus, accepted for GNU parallel's scripts: pmap's --plus
	// replacement strings work with or without it.
	plus bool
	// xargs is -X: as many records per job as fit the argument space.
	xargs bool
	// mArgs is -m (GNU parallel): -X (xargs is set too) with each {} a word
	// of its own, so that repeating it per record is GNU's "all arguments".
	mArgs bool
	// pipe is --pipe: the input is cut into blocks, each a job's stdin.
	pipe bool
	// block is how --pipe cuts its input.
	block input.BlockOptions
	// pipeFile is the one -a FILE --pipe reads; "" or "-" for stdin.
	pipeFile string
	// pipePart is --pipepart: --pipe (pipe is set too) whose jobs read
	// their parts of pipeFile themselves.
	pipePart bool
	// blockSet and maxLinesSet record --block and -L, which only apply
	// with --pipe.
	blockSet, maxLinesSet bool
	// header is --header as given (":" for a bare --header), "" for none;
	// a number of lines other than 1, or a REGEX, only works with --pipe.
	header string
	// recSet records --recend, --recstart or --regexp, which only apply
	// with --pipe.
	recSet bool

	// vars are the --var constants, {NAME}.
	vars map[string]string
	// slotVars are the --slot-var lists: each slot's own {NAME}.
	slotVars []slotVar
	// defaults are the --default values of missing JSON fields.
	defaults map[string]string
	// key and tagString are the --key and --tagstring templates as
	// given; "" for none.
	key, tagString string

	// workers is -n counted on this machine; workersSpec is -n as given,
	// which remote hosts count against their own CPUs.
	workers     int
	workersSpec string
	backend     backendKind
	// shell is --shell; shellSet records that --shell or PMAP_SHELL named
	// one, which keeps --backend auto off the in-process shell.
	shell    string
	shellSet bool
	termSeq  proc.TermSeq
	dryRun   bool
	verbose  bool

	timeout    exec.Timeout
	retries    int
	retryDelay time.Duration
	halt       exec.Halt

	// worker is --worker: the template is a long-lived worker per slot.
	worker         bool
	workerRestarts int
	// workerWindow is --worker-window: records a worker holds at once.
	workerWindow int

	// delay, load and memFree hold job starts back (--delay, --load,
	// --memfree); proc is where load and memory are read ($PMAP_PROC).
	delay   time.Duration
	load    float64
	memFree int64
	proc    string

	// hosts are the --ssh and --ssh-login-file logins; sshCmd is --ssh-cmd
	// split into words.
	hosts    []*remote.Host
	sshCmd   []string
	launcher string
	// slurm is --slurm, or in an allocation a --launcher that starts with
	// srun (slurmLauncher; slurmArgs is then that launcher, srun
	// included): each job a step of the allocation alloc; slurmArgs are
	// the user's srun flags (a template), slurmWait --slurm-wait.
	slurm         bool
	slurmLauncher bool
	slurmArgs     string
	slurmWait     time.Duration
	alloc         slurm.Alloc
	// shard is --shard K/N: the run keeps every N-th job.
	shard exec.Shard

	unordered  bool
	keepOrder  bool // -k: with --line-buffer, live lines in input order too
	lineBuffer bool
	ungroup    bool
	tag        bool
	format     output.Format
	formatName string
	// value is --value: records carry the output as a value; failValue
	// is --fail-value, compacted (nil: null); failValueSet records it.
	value        bool
	failValue    []byte
	failValueSet bool
	// exitZero is --exit-zero: failed jobs do not make the exit status 1.
	exitZero bool
	results  string
	// files is --files: each job's output goes to a file in tmpDir, whose
	// name is printed. tmpDir is --tmpdir ("": the system's).
	files  bool
	tmpDir string
	// resultsDir is --results DIR/: every job's output in GNU parallel's
	// directory layout (results is then "").
	resultsDir string
	failed     string
	joblog     string
	// joblogAppend is --joblog +FILE (GNU parallel's form): the log is
	// appended to, as when resuming, instead of started afresh.
	joblogAppend bool
	// retryFailed is --retry-failed: the jobs are the commands that the
	// joblog shows failed (readRetryFailed puts them in specs).
	retryFailed bool
	retryRead   bool // specs hold the joblog's failed commands
	// shuffle is --shuf: the records are read to the end and run in a
	// random order.
	shuffle bool
	// nice is --nice: the niceness added to pmap's, and so its jobs'.
	nice int
	// resume is --resume or --resume-failed; resumeAll (--resume-failed)
	// runs failed jobs again.
	resume    bool
	resumeAll bool
	progress  progressMode
}

// backendKind is --backend.
type backendKind string

// The values of --backend.
const (
	backendAuto      backendKind = "auto"
	backendExec      backendKind = "exec"
	backendShell     backendKind = "shell"
	backendInProcess backendKind = "inprocess"
)

// backendKinds are the values of --backend, in the order help and
// completion show them.
var backendKinds = []backendKind{backendAuto, backendExec, backendShell, backendInProcess}

// progressMode is what --progress / --no-progress ask for.
type progressMode int

const (
	progressAuto progressMode = iota // shown when stderr is a terminal and stdout is not
	progressOn
	progressOff
)

// multi reports whether jobs are -N/-X jobs (-N 1 too, as in GNU
// parallel): the one place that decides it, since {n} and the job source
// both depend on it.
func (o *options) multi() bool { return o.maxArgs >= 1 || o.xargs }

// packed reports whether jobs take as many records as fit the argument
// space (-X without -N, which wins).
func (o *options) packed() bool { return o.xargs && o.maxArgs <= 1 }

// named reports whether records carry named fields (--header, --json), so
// that {name} is a replacement string.
func (o *options) named() bool { return o.input.Header || o.input.JSON }

// sources counts the input sources, for --failed.
func (o *options) sources() int { return len(o.specs) + len(o.input.ArgFiles) }
