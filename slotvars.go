package main

import (
	"strconv"
	"strings"

	"github.com/pmap-dev/pmap/exec/template"
)

// Per-slot values (--slot-var, {slot0}): worker slot i gets its own
// arguments, such as a GPU id, with no shell arithmetic on PMAP_SLOT. The
// template is compiled once per slot with these values as --var constants,
// so they are values (quoted, one argument), never code.

// slot0Name is the replacement string of the 0-based slot number.
const slot0Name = "slot0"

// slotVar is one --slot-var NAME=V1,V2,...: slot i (1-based) sees
// values[i-1] as {NAME}.
type slotVar struct {
	name   string
	values []string
}

// perSlot reports whether the command differs per slot: --slot-var, or
// {slot0} in the template.
func (o *options) perSlot() bool {
	return len(o.slotVars) > 0 || strings.Contains(strings.Join(o.words, " "), "{"+slot0Name+"}")
}

// slotVarsFor returns the --var constants as slot (1-based) sees them:
// --var, its --slot-var values and slot0.
func (o *options) slotVarsFor(slot int) map[string]string {
	vars := make(map[string]string, len(o.vars)+len(o.slotVars)+1)
	for k, v := range o.vars {
		vars[k] = v
	}
	for _, sv := range o.slotVars {
		vars[sv.name] = sv.values[slot-1]
	}
	vars[slot0Name] = strconv.Itoa(slot - 1)
	return vars
}

// recordVars are the names that a record field must not shadow ({name}
// would be the field): --var, and with a per-slot command the per-slot
// names.
func (o *options) recordVars() map[string]string {
	if !o.perSlot() || o.worker {
		return o.vars
	}
	return o.slotVarsFor(1)
}

// compilePerSlot compiles words once per worker slot with that slot's
// values; nil when the command does not differ per slot.
func compilePerSlot(o *options, words []string, opts template.Options) ([]*template.Template, error) {
	if !o.perSlot() {
		return nil, nil
	}
	ts := make([]*template.Template, o.workers)
	for i := range ts {
		opts.Vars = o.slotVarsFor(i + 1)
		t, err := template.Compile(words, opts)
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return ts, nil
}
