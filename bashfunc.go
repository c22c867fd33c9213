package main

import (
	"path/filepath"
	"strings"
)

// bashFunction returns the name of an exported bash function (export -f,
// which bash passes on as BASH_FUNC_<name>%% in the environment) that a
// word of the template names, or "" when none does or the run could not
// give it to bash. A job naming one must run in bash: no program of that
// name exists, and neither the exec backend, sh nor the in-process shell
// knows bash's functions. GNU parallel runs every job in $SHELL, so
// `export -f f; parallel f ::: 1` is a staple of its guides.
//
// The function is not looked for when --backend exec or inprocess says
// how jobs run, when --shell names a shell other than bash, or when jobs
// run through --ssh or a --launcher, where the environment is not this
// one.
func bashFunction(o *options, environ []string) string {
	switch {
	case o.backend == backendExec || o.backend == backendInProcess:
		return ""
	case o.shellSet && filepath.Base(o.shell) != "bash":
		return ""
	case len(o.hosts) > 0 || o.launcher != "":
		return ""
	}
	funcs := make(map[string]bool)
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if f, ok := strings.CutPrefix(name, "BASH_FUNC_"); ok {
			if f, ok = strings.CutSuffix(f, "%%"); ok && f != "" {
				funcs[f] = true
			}
		}
	}
	if len(funcs) == 0 {
		return ""
	}
	for _, w := range o.words {
		// Words of shell code split where a command word may start.
		for _, tok := range strings.FieldsFunc(w, func(r rune) bool {
			return strings.ContainsRune(" \t\n;|&()`<>\"'", r)
		}) {
			if funcs[tok] {
				return tok
			}
		}
	}
	return ""
}

// shellFor returns the shell that runs shell jobs on this machine or in
// Slurm steps (srun passes the environment on): bash when the template
// names an exported bash function (bashFunc, from bashFunction), else
// --shell.
func shellFor(o *options, bashFunc string) string {
	if bashFunc != "" && !o.shellSet {
		return "bash"
	}
	return o.shell
}
