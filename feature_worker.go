package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/exec/worker"
)

// defaultWorkerRestarts is how many times in a row a slot's worker may end
// without answering and be started again: enough to ride out a record that
// crashes it now and then, few enough that a broken worker stops the run
// after a handful of failed records.
const defaultWorkerRestarts = 3

// workerConfig holds the options of persistent workers (--worker).
type workerConfig struct {
	runner *worker.Persistent
	// display gives each job a command that names its record: the worker
	// command as written (with {%} kept, so that --resume matches a record
	// whatever slot ran it) and the record as one more word.
	display job.Expander
}

func workerFlags() []cli.Flag {
	return []cli.Flag{
		boolFlag(catRunning, "worker", nil, "the template is a worker started once per slot; each record is a line on its stdin, its answer line the job's output"),
		stringFlag(catRunning, "worker-restarts", nil, strconv.Itoa(defaultWorkerRestarts), "stop the run when a worker ends more than `N` times in a row without answering"),
	}
}

func (f *workerConfig) configure(c *cli.Context, cfg *config) error {
	if !c.Bool("worker") {
		return nil
	}
	switch {
	case len(cfg.words) == 0:
		return usagef("pmap --worker python3 worker.py < records", "--worker needs the worker program as the template")
	case cfg.maxArgs > 1 || c.Bool("X"):
		return usagef("drop -N/-X", "--worker sends one record per line: -N and -X do not apply")
	case c.Bool("dry-run"):
		return usagef("drop --dry-run", "--worker starts long-lived workers: there is no command per record to print")
	case c.Bool("pipe"):
		return usagef("use one of them", "--worker and --pipe both feed the command's stdin")
	case len(c.StringSlice("ssh")) > 0 || c.String("ssh-login-file") != "" || c.String("launcher") != "":
		return usagef("", "--worker runs its workers on this machine: --ssh and --launcher do not apply")
	}
	restarts, err := strconv.Atoi(c.String("worker-restarts"))
	if err != nil || restarts < 0 {
		return usagef("", "--worker-restarts %q: want a whole number, 0 or more", c.String("worker-restarts"))
	}
	shell := false
	switch b := c.String("backend"); b {
	case "auto":
		shell = template.NeedsShell(cfg.words)
	case "exec":
	case "shell":
		shell = true
	case "inprocess":
		return usagef("use --backend exec or shell", "--worker runs the worker as a process: --backend inprocess does not apply")
	default:
		return usagef("", "--backend %q: want auto, exec or shell", b)
	}
	mode := template.Exec
	if shell {
		mode = template.Shell
	}
	vars := map[string]string{}
	for _, v := range c.StringSlice("var") {
		if name, value, ok := strings.Cut(v, "="); ok {
			vars[name] = value
		}
	}
	// No record reaches the worker command, so {name} is not a field
	// here: awk '{print}' keeps its braces even with --json.
	opts := template.Options{Mode: mode, Vars: vars, NoAppend: true}
	t, err := template.Compile(cfg.words, opts)
	if err != nil {
		return usagef("", "--worker: %v", err)
	}
	if f.runner, err = worker.NewPersistent(t, shell, restarts); err != nil {
		return usagef("use PMAP_SLOT or {%} in the worker; read records from stdin", "--worker: %v", err)
	}

	shown := make([]string, 0, len(cfg.words)+1)
	for _, w := range cfg.words {
		shown = append(shown, strings.ReplaceAll(w, "{%}", "{{%}}"))
	}
	opts.NoAppend = false
	d, err := template.Compile(append(shown, "{}"), opts)
	if err != nil {
		return usagef("", "--worker: %v", err)
	}
	f.display = job.Expander{Template: d, Shell: shell}
	cfg.noAppend = true
	cfg.runner = f.runner
	return nil
}

func (f *workerConfig) apply(cfg *config, env *runEnv) error {
	if f.runner == nil {
		return nil
	}
	f.runner.ShellPath = cfg.process.Shell
	f.runner.TermSeq = cfg.process.TermSeq
	f.runner.Stderr = env.stderr
	env.engine.Expand = &f.display
	return nil
}
