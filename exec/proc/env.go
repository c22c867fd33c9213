package proc

import "strings"

// IsJobVar reports whether name is one of the variables pmap sets for each
// job: PMAP_SEQ, PMAP_SLOT, PMAP_KEY.
func IsJobVar(name string) bool {
	return name == "PMAP_SEQ" || name == "PMAP_SLOT" || name == "PMAP_KEY"
}

// BaseEnv returns environ without the job variables (IsJobVar) of a pmap
// this one runs in: each job gets its own, and a stale one must not show
// through where a backend sets only some of them (a worker gets
// PMAP_SLOT alone).
func BaseEnv(environ []string) []string {
	var env []string
	for _, kv := range environ {
		if name, _, ok := strings.Cut(kv, "="); ok && IsJobVar(name) {
			continue
		}
		env = append(env, kv)
	}
	return env
}
