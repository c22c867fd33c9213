package proc

import (
	"slices"
	"strings"
)

// IsJobVar reports whether name is one of the variables pmap sets for each
// job: PMAP_SEQ, PMAP_SLOT, PMAP_KEY.
func IsJobVar(name string) bool {
	return name == "PMAP_SEQ" || name == "PMAP_SLOT" || name == "PMAP_KEY"
}

// RunFileVars are the PMAP_<NAME> variables of the options that name the
// files of one run: its input (-a) and the logs it writes or resumes from.
// They are that run's own, not defaults for every pmap: a pmap run inside
// a job that took them would read the outer run's input, or truncate and
// interleave its joblog, results and failed files.
var RunFileVars = []string{
	"PMAP_ARG_FILE",
	"PMAP_FAILED",
	"PMAP_JOBLOG",
	"PMAP_RESULTS",
	"PMAP_RESUME",
	"PMAP_RESUME_FAILED",
}

// IsRunFileVar reports whether name is one of RunFileVars.
func IsRunFileVar(name string) bool {
	return strings.HasPrefix(name, "PMAP_") && slices.Contains(RunFileVars, name)
}

// Inherited reports whether a job's environment takes name from pmap's
// own: every variable but the job variables (IsJobVar: each job gets its
// own) and the run's file options (IsRunFileVar: a nested pmap must not
// write the outer run's files).
func Inherited(name string) bool { return !IsJobVar(name) && !IsRunFileVar(name) }

// BaseEnv returns environ without the variables a job does not inherit
// (Inherited): the job variables of a pmap this one runs in, since each
// job gets its own and a stale one must not show through where a backend
// sets only some of them (a worker gets PMAP_SLOT alone), and this run's
// file options.
func BaseEnv(environ []string) []string {
	var env []string
	for _, kv := range environ {
		if name, _, ok := strings.Cut(kv, "="); ok && !Inherited(name) {
			continue
		}
		env = append(env, kv)
	}
	return env
}
