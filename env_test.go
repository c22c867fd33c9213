package main

import (
	"testing"

	"github.com/pmap-dev/pmap/exec/proc"
)

// TestRunFileVarsAreOptions keeps the variables jobs do not inherit in
// step with the options: a renamed option must not leave its variable
// leaking into nested runs.
func TestRunFileVarsAreOptions(t *testing.T) {
	vars := map[string]bool{}
	for _, f := range flags() {
		vars[envName(f.Names()[0])] = true
	}
	for _, v := range proc.RunFileVars {
		if !vars[v] {
			t.Errorf("%s is not the variable of any option", v)
		}
	}
}
