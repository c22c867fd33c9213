package main

import "strings"

// checkVarName refuses a --var name that no {NAME} could ever reach, so
// that a --var is never silently unused: a number is a field ({1}), and
// {a b} or {x/y} are not replacement strings at all. The rule is the one
// the template uses for names: parts of letters, digits, _ - @ : or
// non-ASCII, separated by single dots, not starting with a digit or '-'.
func checkVarName(name string) error {
	if c := name[0]; c == '-' || '0' <= c && c <= '9' {
		return usagef("start the name with a letter: --var v"+name+"=...",
			"--var %s: {%s} is a field (or an argument with -N/-X), never a --var", name, name)
	}
	prevDot := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' && !prevDot {
			prevDot = true
			continue
		}
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '-' || c == '@' || c == ':' || c >= 0x80
		if !ok {
			return usagef("use letters, digits and _ - @ : in the name",
				"--var %q: {%s} is not a replacement string, so it would never be used", name, name)
		}
		prevDot = false
	}
	if prevDot {
		return usagef("use letters, digits and _ - @ : in the name",
			"--var %q: {%s} is not a replacement string, so it would never be used", name, name)
	}
	return nil
}

// readDefaults reads --default NAME=VALUE: the value of a --json record's
// top-level field NAME when it is missing, null or "".
func (r *reader) readDefaults(o *options) error {
	for _, v := range r.c.StringSlice("default") {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return usagef("write --default NAME=VALUE (VALUE may be empty)", "--default %q has no NAME=", v)
		}
		if err := checkVarName(name); err != nil {
			return err
		}
		if strings.Contains(name, ".") {
			return usagef("name a top-level field", "--default %s: only a top-level field can have a default, not a path", name)
		}
		if _, dup := o.vars[name]; dup {
			return usagef("drop one of them", "--default %s: --var %s is the same name, and the field would always win", name, name)
		}
		if prev, dup := o.defaults[name]; dup {
			return usagef("give each name once", "--default %s is given twice (%q and %q)", name, prev, value)
		}
		if o.defaults == nil {
			o.defaults = map[string]string{}
		}
		o.defaults[name] = value
	}
	return nil
}
