package main

import "github.com/pmap-dev/pmap/exec/template"

// checkVarName refuses a --var name that no {NAME} could ever reach, so
// that a --var is never silently unused: a number is a field ({1}), and
// {a b} or {x/y} are not replacement strings at all. The rule is the one
// the template uses for names (template.ValidName).
func checkVarName(name string) error {
	if c := name[0]; c == '-' || '0' <= c && c <= '9' {
		return usagef("start the name with a letter: --var v"+name+"=...",
			"--var %s: {%s} is a field (or an argument with -N/-X), never a --var", name, name)
	}
	if !template.ValidName(name) {
		return usagef("use letters, digits and _ - @ : in the name",
			"--var %q: {%s} is not a replacement string, so it would never be used", name, name)
	}
	return nil
}
