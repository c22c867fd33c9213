package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/google/shlex"
	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/remote"
	"github.com/pmap-dev/pmap/exec/template"
)

// remoteConfig holds the options of remote hosts (--ssh) and cluster
// launchers (--launcher).
type remoteConfig struct {
	remote   *remote.Remote   // --ssh
	launched *remote.Launched // --launcher without --ssh
}

func remoteFlags() []cli.Flag {
	return []cli.Flag{
		sliceFlag(catRunning, "ssh", nil, "run jobs on `LOGIN`: [N/][user@]host[:port], : for this machine (repeatable, or comma-separated)"),
		stringFlag(catRunning, "ssh-login-file", nil, "", "read --ssh logins from `FILE`, one per line"),
		stringFlag(catRunning, "ssh-cmd", nil, "ssh", "the ssh `COMMAND` and its options, for --ssh"),
		stringFlag(catRunning, "launcher", nil, "", "run each job behind the launcher `TEMPLATE` of a cluster engine (srun, kubectl exec)"),
	}
}

// hostPlaceholder reports whether {host} is a replacement string: it is
// with --ssh.
func (f *remoteConfig) hostPlaceholder() bool { return f.remote != nil }

func (f *remoteConfig) configure(c *cli.Context, cfg *config) error {
	hosts, err := logins(c)
	if err != nil {
		return err
	}
	launcher := c.String("launcher")
	if len(hosts) == 0 && launcher == "" {
		return nil
	}
	if cfg.runner != nil {
		return usagef("", "--ssh and --launcher run jobs as processes: they do not combine with --worker")
	}
	var l *remote.Launcher
	if launcher != "" {
		vars := map[string]string{}
		for _, v := range c.StringSlice("var") {
			if name, value, ok := strings.Cut(v, "="); ok {
				vars[name] = value
			}
		}
		t, err := template.Compile([]string{launcher}, template.Options{
			Mode: template.Exec, Vars: vars, Named: c.Bool("header") || c.Bool("json"),
			NoAppend: true, Remote: len(hosts) > 0,
		})
		if err != nil {
			return usagef("", "--launcher: %v", err)
		}
		multi := cfg.maxArgs > 1 || c.Bool("X")
		l = &remote.Launcher{Template: t, Multi: multi, Shell: c.String("shell")}
	}
	if len(hosts) == 0 {
		f.launched = &remote.Launched{Launcher: l}
		cfg.runner = f.launched
		return nil
	}

	sshCmd, err := shlex.Split(c.String("ssh-cmd"))
	if err == nil && len(sshCmd) == 0 {
		sshCmd = []string{"ssh"} // an empty PMAP_SSH_CMD
	}
	if err != nil {
		return usagef("for example --ssh-cmd 'ssh -i key -p 2222'", "--ssh-cmd %q: want a command", c.String("ssh-cmd"))
	}
	f.remote = &remote.Remote{
		Hosts: hosts,
		SSH:   sshCmd,
		Workers: func(cpus int) (int, error) {
			return exec.ParseWorkers(c.String("workers"), cpus)
		},
		LocalCPUs:      exec.CPUs(),
		Expand:         &cfg.expand,
		HostInTemplate: strings.Contains(strings.Join(cfg.words, " "), "{host}"),
		Launcher:       l,
		Shell:          c.String("shell"),
	}
	cfg.runner = f.remote
	// The slots of the hosts whose CPUs are asked are known once connected
	// (apply); until then each counts as this machine (--dry-run's {%}).
	cfg.workers = 0
	for _, h := range hosts {
		n := h.Slots
		if n == 0 {
			n, _ = exec.ParseWorkers(c.String("workers"), exec.CPUs())
		}
		cfg.workers += n
	}
	return nil
}

// logins are the --ssh logins and those of --ssh-login-file.
func logins(c *cli.Context) ([]*remote.Host, error) {
	var hosts []*remote.Host
	for _, s := range c.StringSlice("ssh") {
		if strings.TrimSpace(s) == "" {
			continue // an empty PMAP_SSH
		}
		hs, err := remote.ParseLogins(s)
		if err != nil {
			return nil, usagef("write --ssh [N/][user@]host[:port], or --ssh : for this machine", "--ssh: %v", err)
		}
		hosts = append(hosts, hs...)
	}
	file := c.String("ssh-login-file")
	if file == "" {
		return hosts, nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--ssh-login-file: %w", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	n, line := 0, 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		hs, err := remote.ParseLogins(s)
		if err != nil {
			return nil, usagef("one [N/][user@]host[:port] per line; # starts a comment", "--ssh-login-file %s:%d: %v", file, line, err)
		}
		hosts = append(hosts, hs...)
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--ssh-login-file: %w", err)
	}
	if n == 0 {
		return nil, usagef("one [N/][user@]host[:port] per line", "--ssh-login-file %s: no login in it", file)
	}
	return hosts, nil
}

func (f *remoteConfig) apply(cfg *config, env *runEnv) error {
	if f.launched != nil {
		f.launched.Runner = cfg.process
	}
	r := f.remote
	if r == nil {
		return nil
	}
	r.Local = cfg.process
	r.TermSeq = cfg.process.TermSeq
	r.Warn = env.stderr
	n, err := r.Start()
	if err != nil {
		r.Close()
		return err
	}
	cfg.workers = n
	env.engine.Workers = n
	return nil
}
