package main

import (
	"errors"

	"github.com/pmap-dev/pmap/exec"
	"github.com/pmap-dev/pmap/exec/template"
)

// inprocessAvailable says whether --backend inprocess is built; auto picks
// it for templates with shell syntax when it is.
const inprocessAvailable = false

// newInProcess returns the in-process shell runner for the template words.
func newInProcess(words []string, opts template.Options, multi bool) (exec.Runner, error) {
	return nil, errors.New("--backend inprocess is not available in this version")
}
