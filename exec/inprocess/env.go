package inprocess

import (
	"os"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"

	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// baseEnv is pmap's environment as the interpreter sees it, shared by every
// slot: read-only after newBaseEnv.
type baseEnv struct {
	vars map[string]expand.Variable
	// each is vars in a slice: the interpreter walks the whole
	// environment after every job, and a slice is quicker to walk.
	each []namedVar
	// list is the exported variables as name=value, for external commands
	// whose job did not change the environment.
	list []string
	// path is $PATH; pathAbs is set when all of its directories are
	// absolute, so that a command found there once is found there again.
	path    string
	pathAbs bool
}

// newBaseEnv builds the environment from environ, without the PMAP_SEQ,
// PMAP_SLOT and PMAP_KEY of a pmap this one runs in (the job's own replace
// them) and without this run's file options (proc.Inherited).
func newBaseEnv(environ []string) *baseEnv {
	b := &baseEnv{vars: make(map[string]expand.Variable, len(environ)+3)}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name == "" || !proc.Inherited(name) {
			continue
		}
		if _, dup := b.vars[name]; dup {
			continue // the first one wins, as getenv finds it
		}
		b.vars[name] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: val}
		b.list = append(b.list, kv)
	}
	// The interpreter would set these on every reset, at a cost of a few
	// allocations per job; they do not change while pmap runs.
	for name, v := range map[string]int{"UID": os.Getuid(), "EUID": os.Geteuid(), "GID": os.Getgid()} {
		if _, ok := b.vars[name]; !ok {
			b.vars[name] = expand.Variable{Set: true, ReadOnly: true, Kind: expand.String, Str: strconv.Itoa(v)}
		}
	}
	if _, ok := b.vars["HOME"]; !ok {
		home, _ := os.UserHomeDir()
		b.vars["HOME"] = expand.Variable{Set: true, Kind: expand.String, Str: home}
	}
	for name, vr := range b.vars {
		b.each = append(b.each, namedVar{name, vr})
	}
	b.path = b.vars["PATH"].Str
	b.pathAbs = absolutePath(b.path)
	return b
}

type namedVar struct {
	name string
	vr   expand.Variable
}

// varNames and arrayNames are the first value variables' names, made
// once: the interpreter walks the environment after every job.
var varNames, arrayNames = names(template.VarPrefix), names(template.ArrayPrefix)

func names(prefix string) (names [64]string) {
	for i := range names {
		names[i] = prefix + strconv.Itoa(i)
	}
	return names
}

func varName(i int, array bool) string {
	switch {
	case i < len(varNames) && array:
		return arrayNames[i]
	case i < len(varNames):
		return varNames[i]
	case array:
		return template.ArrayPrefix + strconv.Itoa(i)
	}
	return template.VarPrefix + strconv.Itoa(i)
}

// slotEnv is the environment of one slot's interpreter: pmap's, plus the
// job's PMAP_SEQ, PMAP_SLOT and PMAP_KEY (exported, so external commands
// get them) and the template's variables (not exported).
type slotEnv struct {
	base      *baseEnv
	slot, key string
	// seq is the job's number as PMAP_SEQ, made from seqNum when first
	// read (seqString): few jobs read it, and formatting it costs an
	// allocation per job.
	seq    string
	seqNum int64
	vals   template.Values
	args   []string // template.ArgsVar
	// quiet makes Each list nothing: set for a program whose only
	// listing of the environment is the copy the interpreter makes into
	// Runner.Vars when it returns, which pmap never reads (see quietEnv).
	// environ lifts it for an external command's environment.
	quiet bool
}

func exported(s string) expand.Variable {
	return expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: s}
}

func local(s string) expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}

// Get implements expand.Environ.
func (e *slotEnv) Get(name string) expand.Variable {
	switch name {
	case "PMAP_SEQ":
		return exported(e.seqString())
	case "PMAP_SLOT":
		return exported(e.slot)
	case "PMAP_KEY":
		return exported(e.key)
	case template.ArgsVar:
		return expand.Variable{Set: true, Kind: expand.Indexed, List: e.args}
	}
	if rest, ok := strings.CutPrefix(name, template.VarPrefix); ok {
		if i, ok := varIndex(rest); ok && i < e.vals.Len() {
			if s, _, array := e.vals.Get(i); !array {
				return local(s)
			}
		}
		return expand.Variable{}
	}
	if rest, ok := strings.CutPrefix(name, template.ArrayPrefix); ok {
		if i, ok := varIndex(rest); ok && i < e.vals.Len() {
			if _, list, array := e.vals.Get(i); array {
				return expand.Variable{Set: true, Kind: expand.Indexed, List: list}
			}
		}
		return expand.Variable{}
	}
	return e.base.vars[name]
}

// seqString returns PMAP_SEQ. A job whose program runs on more than one
// goroutine has it made before it starts (setSeq), as they all read it.
func (e *slotEnv) seqString() string {
	if e.seq == "" {
		e.seq = strconv.FormatInt(e.seqNum, 10)
	}
	return e.seq
}

// setSeq sets the job's number; eager makes PMAP_SEQ now, for a program
// that reads the environment from several goroutines.
func (e *slotEnv) setSeq(seq int64, eager bool) {
	e.seq, e.seqNum = "", seq
	if eager {
		e.seqString()
	}
}

// varIndex parses the decimal index of a value variable without
// allocating; leading zeros are not ours.
func varIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Each implements expand.Environ.
func (e *slotEnv) Each(f func(name string, vr expand.Variable) bool) {
	if e.quiet {
		return
	}
	for i := range e.base.each {
		if !f(e.base.each[i].name, e.base.each[i].vr) {
			return
		}
	}
	if !f("PMAP_SEQ", exported(e.seqString())) || !f("PMAP_SLOT", exported(e.slot)) || !f("PMAP_KEY", exported(e.key)) {
		return
	}
	if !f(template.ArgsVar, expand.Variable{Set: true, Kind: expand.Indexed, List: e.args}) {
		return
	}
	for i := range e.vals.Len() {
		s, list, array := e.vals.Get(i)
		vr := local(s)
		if array {
			vr = expand.Variable{Set: true, Kind: expand.Indexed, List: list}
		}
		if !f(varName(i, array), vr) {
			return
		}
	}
}

// same reports whether vr is what e itself holds for name, so that an
// external command's environment need not be rebuilt for it.
func (e *slotEnv) same(name string, vr expand.Variable) bool {
	var want expand.Variable
	switch {
	case proc.IsJobVar(name):
		want = e.Get(name)
	case strings.HasPrefix(name, "__pmap_"):
		return !vr.Exported // ours, and not for external commands
	default:
		want = e.base.vars[name]
	}
	if vr.Exported != want.Exported {
		return false
	}
	if !vr.Exported {
		return true // only exported variables reach external commands
	}
	return vr.IsSet() && vr.Kind == expand.String && vr.Str == want.Str
}

// environ returns the environment for an external command started with
// env, the interpreter's view (which includes the job's assignments and
// exports).
func (e *slotEnv) environ(env expand.Environ) []string {
	if e.quiet {
		// A quiet program runs on one goroutine: this is the only walk.
		e.quiet = false
		defer func() { e.quiet = true }()
	}
	changed := false
	env.Each(func(name string, vr expand.Variable) bool {
		if !e.same(name, vr) {
			changed = true
			return false
		}
		return true
	})
	if !changed {
		list := make([]string, len(e.base.list), len(e.base.list)+3)
		copy(list, e.base.list)
		return append(list, "PMAP_SEQ="+e.seqString(), "PMAP_SLOT="+e.slot, "PMAP_KEY="+e.key)
	}
	// Later entries win; an unset or unexported one removes an earlier.
	var list []string
	at := map[string]int{}
	env.Each(func(name string, vr expand.Variable) bool {
		i, seen := at[name]
		if !vr.IsSet() || !vr.Exported || vr.Kind != expand.String {
			if seen {
				list[i] = ""
			}
			return true
		}
		kv := name + "=" + vr.Str
		if seen {
			list[i] = kv
		} else {
			at[name] = len(list)
			list = append(list, kv)
		}
		return true
	})
	out := list[:0]
	for _, kv := range list {
		if kv != "" {
			out = append(out, kv)
		}
	}
	return out
}
