package main

import (
	"strconv"
	"strings"
)

// The readers of the per-slot and per-record values, --slot-var and
// --default (see options.go: only the options_*.go files ask the flag parser
// for a value).

// readSlotVars reads --slot-var. Without -n the number of values is the
// number of workers; with it, every slot must have a value and every value
// a slot.
func (r *reader) readSlotVars(o *options) error {
	for _, v := range r.c.StringSlice("slot-var") {
		name, list, ok := strings.Cut(v, "=")
		if !ok || name == "" || list == "" {
			return usagef("write --slot-var NAME=V1,V2,... (one value per worker slot)", "--slot-var %q has no NAME=VALUES", v)
		}
		if err := checkVarName(name); err != nil {
			return err
		}
		if name == slot0Name {
			return usagef("pick another name", "--slot-var %s: {%s} is the 0-based slot number already", name, name)
		}
		if _, dup := o.vars[name]; dup {
			return usagef("give each name once", "--slot-var %s: --var %s is the same name", name, name)
		}
		for _, sv := range o.slotVars {
			if sv.name == name {
				return usagef("give each name once", "--slot-var %s is given twice", name)
			}
		}
		o.slotVars = append(o.slotVars, slotVar{name: name, values: strings.Split(list, ",")})
	}
	if _, dup := o.vars[slot0Name]; dup {
		return usagef("pick another name", "--var %s: {%s} is the 0-based slot number", slot0Name, slot0Name)
	}
	if len(o.slotVars) == 0 {
		return nil
	}
	first := o.slotVars[0]
	if !r.c.IsSet("workers") {
		o.workers = len(first.values)
		o.workersSpec = strconv.Itoa(o.workers)
	}
	for _, sv := range o.slotVars {
		if len(sv.values) != o.workers {
			return usagef("give one value per slot, or set -n to the number of values",
				"--slot-var %s has %d values for %d worker slots", sv.name, len(sv.values), o.workers)
		}
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
