package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// ownVars are PMAP_ variables that pmap sets or reads itself without an
// option: the job variables (a pmap run inside a job sees them), the
// remote host's name, and the proc file system of --load and --memfree.
// The info options' variables are documented as not read.
var ownVars = []string{"PMAP_HOST", "PMAP_PROC", "PMAP_HELP", "PMAP_VERSION", "PMAP_COMPLETION"}

// envWarnings are the warnings about the PMAP_ variables of environ that
// pmap does not read though they look meant for it: the variable of a mode
// switch (which has none, flags.go's modeSwitches), of an alias (only an
// option's own name has one), or a near miss of a real variable
// (PMAP_WORKER for PMAP_WORKERS). A variable that is read, is pmap's own
// (the job variables, PMAP_RUN_<id>), empty, or close to nothing pmap
// knows is not mentioned. A pmap inside a job (PMAP_SLOT set) says
// nothing: the run it is in has already warned about the same variables.
func envWarnings(environ []string, fl []cli.Flag) []string {
	read := map[string]bool{}      // variables that set an option
	notRead := map[string]string{} // variable -> why it sets nothing
	for _, f := range fl {
		d, ok := f.(cli.DocGenerationFlag)
		if !ok {
			continue
		}
		for _, v := range d.GetEnvVars() {
			read[v] = true
		}
		names := f.Names()
		opt := optSpelling(names[0])
		for i, n := range names {
			v := envName(n)
			switch {
			case read[v] || len(n) == 1 && i > 0:
			case isModeSwitch(f):
				notRead[v] = fmt.Sprintf("%s changes what the template means, so it is only taken from the command line", optSpelling(n))
			case i > 0 && len(d.GetEnvVars()) > 0:
				notRead[v] = fmt.Sprintf("the variable of %s is %s", optSpelling(n), d.GetEnvVars()[0])
			case i > 0 || len(d.GetEnvVars()) == 0:
				notRead[v] = fmt.Sprintf("%s has no variable", opt)
			}
		}
	}
	for _, kv := range environ {
		if strings.HasPrefix(kv, "PMAP_SLOT=") {
			return nil // inside a job of another pmap, which has warned
		}
	}
	var known []string
	for v := range read {
		known = append(known, v)
	}
	sort.Strings(known)
	var warnings []string
	seen := map[string]bool{}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "PMAP_") || val == "" || seen[name] {
			continue
		}
		seen[name] = true
		if read[name] || proc.IsJobVar(name) || slices.Contains(ownVars, name) || strings.HasPrefix(name, "PMAP_RUN_") {
			continue
		}
		meant := closestVar(name, known)
		why, ok := notRead[name]
		switch {
		case !ok && meant == "":
			continue // a variable of the user's own
		case !ok:
			why = "pmap has no such variable"
		}
		w := fmt.Sprintf("%s is not read: %s", name, why)
		if meant != "" {
			w += "; did you mean " + meant + "?"
		}
		warnings = append(warnings, w)
	}
	sort.Strings(warnings)
	return warnings
}

// closestVar is the variable of known closest to name, when it is close
// enough to be a slip (one edit in a short name, two in a longer one), ""
// otherwise.
func closestVar(name string, known []string) string {
	bare := strings.TrimPrefix(name, "PMAP_")
	allowed := 2
	if utf8.RuneCountInString(bare) <= 5 {
		allowed = 1
	}
	best, bestDist := "", allowed+1
	for _, k := range known {
		if d := template.TypoDistance(bare, strings.TrimPrefix(k, "PMAP_")); d > 0 && d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}
