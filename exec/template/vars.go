package template

import (
	"errors"
	"strconv"
)

// This file compiles a Shell template for an embedded shell interpreter
// (the inprocess backend): rather than quoting each value into the command
// line, which would have to be parsed again for every job, every
// replacement string becomes a reference to a shell variable, placed for
// the quoting context it sits in, and the program is parsed once. A job
// only sets the variables, so no value is ever read as code.

// VarPrefix starts the names of the variables that hold a job's values:
// __pmap_v0, __pmap_v1, ... in the order of Values.
const VarPrefix = "__pmap_v"

// ArgsVar names the array that holds the arguments appended to a template
// without replacement strings (the record, or its fields).
const ArgsVar = "__pmap_args"

// ErrQuotedHereDoc is returned by CompileVars for a replacement string in
// the body of a here-document with a quoted delimiter (<<'EOF'): nothing
// expands there, so a variable cannot stand for the value.
var ErrQuotedHereDoc = errors.New("a replacement string inside a quoted here-document (<<'EOF') cannot be a shell variable")

// Vars is a Shell template compiled for a shell interpreter that reads
// values from variables. It is immutable and safe for concurrent use.
type Vars struct {
	t *Template
	// repeat is set when a word is repeated per record (-X, -N with
	// ContextReplace): the program text then depends on the record count.
	repeat bool
	// fixed is the program when nothing repeats.
	fixed string
}

// CompileVars compiles words as Compile does in Shell mode (the same
// replacement strings, auto-append and ContextReplace words), for Script
// and Values.
func CompileVars(words []string, opt Options) (*Vars, error) {
	opt.Mode = Shell
	t, err := Compile(words, opt)
	if err != nil {
		return nil, err
	}
	v := &Vars{t: t}
	for gi := range t.groups {
		g := &t.groups[gi]
		v.repeat = v.repeat || g.repeat
		for pi := range g.pieces {
			if p := &g.pieces[pi]; p.ph != nil && p.ctx == cHereLit {
				return nil, &compileError{msg: ErrQuotedHereDoc.Error()}
			}
		}
	}
	if !v.repeat {
		v.fixed = v.script(1)
	}
	return v, nil
}

// Template is the Shell template the program was made from; its String
// is the command as displayed (-v, records, joblog).
func (v *Vars) Template() *Template { return v.t }

// Repeats reports whether words repeat per record, so that the program
// text depends on the job's record count (Reps).
func (v *Vars) Repeats() bool { return v.repeat }

// Reps is how many times the repeated words appear in d's program: the
// argument Script needs. It is 0 when nothing repeats.
func (v *Vars) Reps(d *Data) int {
	if !v.repeat {
		return 0
	}
	x := newExpander(d)
	return x.groupReps()
}

// Script returns the program for jobs whose Reps is reps. The value of
// the i-th replacement string (in program order) is read from variable
// VarPrefix+i; appended arguments from the array ArgsVar.
func (v *Vars) Script(reps int) string {
	if !v.repeat {
		return v.fixed
	}
	return v.script(reps)
}

func (v *Vars) script(reps int) string {
	var b []byte
	n := 0
	v.walk(reps, func(p *tpiece, _ int) {
		if p.appendArgs {
			b = append(b, ` "${`+ArgsVar+`[@]}"`...)
			return
		}
		if p.ph == nil {
			b = append(b, p.lit...)
			return
		}
		if ref := appendRef(b, p, n); ref != nil {
			b = ref
			n++
		}
	})
	return string(b)
}

// walk calls f for every piece of the program with reps repetitions, with
// the repetition index of a repeated word (-1 elsewhere).
func (v *Vars) walk(reps int, f func(p *tpiece, rep int)) {
	for gi := range v.t.groups {
		g := &v.t.groups[gi]
		count, rep := 1, -1
		if g.repeat {
			count = reps
		}
		for r := 0; r < count; r++ {
			if g.repeat {
				rep = r
				if r > 0 {
					f(&space, -1)
				}
			}
			for pi := range g.pieces {
				f(&g.pieces[pi], rep)
			}
		}
	}
}

// space separates the copies of a repeated word.
var space = tpiece{lit: " "}

// hasVar reports whether piece p (a replacement string) reads a variable;
// a value in a comment is not used at all.
func hasVar(p *tpiece) bool { return p.ctx != cComment }

// appendRef appends the reference to variable n for p's context, or
// returns nil when p takes no variable.
func appendRef(b []byte, p *tpiece, n int) []byte {
	if !hasVar(p) {
		return nil
	}
	ref := func(b []byte) []byte {
		b = append(b, "${"+VarPrefix...)
		b = strconv.AppendInt(b, int64(n), 10)
		return append(b, '}')
	}
	switch p.ctx {
	case cCode, cParam:
		// A double-quoted expansion is one word, never split or globbed.
		if p.bqDQ {
			b = append(b, `\"`...)
			b = ref(b)
			return append(b, `\"`...)
		}
		b = append(b, '"')
		b = ref(b)
		return append(b, '"')
	case cSQ:
		// Close the single quotes, expand, reopen.
		b = append(b, `'"`...)
		b = ref(b)
		return append(b, `"'`...)
	case cANSI:
		b = append(b, `'"`...)
		b = ref(b)
		return append(b, `"$'`...)
	}
	// Double quotes, here-documents and arithmetic expand ${...} in
	// place (arithmetic values are checked to be integers).
	return ref(b)
}

// AppendValues appends the values of the program's variables for d, in
// order (VarPrefix+0 first), to dst. It fails where String would: a
// missing field, a non-integer in arithmetic, a value that could end a
// here-document. Values are substrings of the records (no copies) except
// {#} and {%} and values joined over several records.
func (v *Vars) AppendValues(dst []string, d *Data) ([]string, error) {
	x := newExpander(d)
	reps := 0
	if v.repeat {
		reps = x.groupReps()
	}
	// The same order as walk, without a closure: this runs for every job.
	for gi := range v.t.groups {
		g := &v.t.groups[gi]
		count, rep := 1, -1
		if g.repeat {
			count = reps
		}
		for r := 0; r < count; r++ {
			if g.repeat {
				rep = r
			}
			for pi := range g.pieces {
				p := &g.pieces[pi]
				if p.ph == nil || p.appendArgs || !hasVar(p) {
					continue
				}
				s, err := x.joined(p.ph, rep)
				if err != nil {
					return dst, err
				}
				if p.ctx == cArith && !isInteger(s) {
					_, err = x.appendWhole(nil, p, rep) // the same error as String
					return dst, err
				}
				if p.here {
					if err := hereCheck(p, s); err != nil {
						return dst, err
					}
				}
				dst = append(dst, s)
			}
		}
	}
	return dst, nil
}

// AppendArgs appends the arguments that go to ArgsVar for d: the record
// (its fields when it has fields; every record with -N/-X) when the
// template has no replacement string, nothing otherwise.
func (v *Vars) AppendArgs(dst []string, d *Data) ([]string, error) {
	if !v.t.appendRec {
		return dst, nil
	}
	x := newExpander(d)
	n, err := x.appendCount()
	if err != nil {
		return dst, err
	}
	for k := 0; k < n; k++ {
		dst = append(dst, x.appendArg(k))
	}
	return dst, nil
}
