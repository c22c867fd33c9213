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
// __pmap_v0, __pmap_v1, ... numbered in program order.
const VarPrefix = "__pmap_v"

// ArrayPrefix starts the names of array variables: a word that is just a
// replacement string and repeats per record (-X, -N: cp {} dest) is one
// "${__pmap_aN[@]}", whatever the job's record count.
const ArrayPrefix = "__pmap_a"

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
	// array marks the repeated groups that an array variable stands for.
	array []bool
	// repeat is set when another word repeats per record (x{}y with -X):
	// the program text then depends on the record count.
	repeat bool
	// fixed is the program when it does not depend on the record count.
	fixed string
}

// CompileVars compiles words as Compile does in Shell mode (the same
// replacement strings, auto-append and ContextReplace words), for Script
// and Fill.
func CompileVars(words []string, opt Options) (*Vars, error) {
	opt.Mode = Shell
	t, err := Compile(words, opt)
	if err != nil {
		return nil, err
	}
	v := &Vars{t: t, array: make([]bool, len(t.groups))}
	for gi := range t.groups {
		g := &t.groups[gi]
		v.array[gi] = arrayGroup(g)
		v.repeat = v.repeat || g.repeat && !v.array[gi]
		if g.spread > 0 {
			return nil, &Error{Msg: g.pieces[g.spread-1].ph.text + ": spreading an array is not supported by the inprocess backend; use --backend process"}
		}
		for pi := range g.pieces {
			if p := &g.pieces[pi]; p.ph != nil && p.ctx == cHereLit {
				return nil, &Error{Msg: ErrQuotedHereDoc.Error(), Err: ErrQuotedHereDoc}
			}
		}
	}
	if !v.repeat {
		v.fixed = v.script(0)
	}
	return v, nil
}

// arrayGroup reports whether g is a repeated word that is one replacement
// string, bare or in double quotes: "${a[@]}" gives exactly its copies.
func arrayGroup(g *tgroup) bool {
	if !g.repeat {
		return false
	}
	ps := g.pieces
	switch {
	case len(ps) == 1:
		return ps[0].ph != nil && ps[0].ctx == cCode && !ps[0].bqDQ
	case len(ps) == 3:
		return ps[0].ph == nil && ps[0].lit == `"` && ps[1].ph != nil && ps[1].ctx == cDQ && ps[2].ph == nil && ps[2].lit == `"`
	}
	return false
}

// Template is the Shell template the program was made from; its String
// is the command as displayed (-v, records, joblog).
func (v *Vars) Template() *Template { return v.t }

// Repeats reports whether the program text depends on the job's record
// count (Reps): a word such as x{}y repeats per record.
func (v *Vars) Repeats() bool { return v.repeat }

// Reps is how many times the repeated words appear in d's program: the
// argument Script needs. It is 0 when the program does not depend on it.
func (v *Vars) Reps(d *Data) int {
	if !v.repeat {
		return 0
	}
	x := newExpander(d)
	return x.groupReps()
}

// Script returns the program for jobs whose Reps is reps. The value of
// the i-th replacement string (in program order) is read from variable
// VarPrefix+i, or ArrayPrefix+i for a repeated word; appended arguments
// from the array ArgsVar.
func (v *Vars) Script(reps int) string {
	if !v.repeat {
		return v.fixed
	}
	return v.script(reps)
}

func (v *Vars) script(reps int) string {
	var b []byte
	n := 0
	for gi := range v.t.groups {
		g := &v.t.groups[gi]
		count := 1
		if g.repeat && !v.array[gi] {
			count = reps
		}
		for r := 0; r < count; r++ {
			if r > 0 {
				b = append(b, ' ')
			}
			for pi := range g.pieces {
				p := &g.pieces[pi]
				switch {
				case p.appendArgs:
					b = append(b, ` "${`+ArgsVar+`[@]}"`...)
				case p.ph == nil:
					b = append(b, p.lit...)
				case v.array[gi]:
					b = appendArrayRef(b, p, n)
					n++
				case hasVar(p):
					b = appendRef(b, p, n)
					n++
				}
			}
		}
	}
	return string(b)
}

// hasVar reports whether piece p (a replacement string) reads a variable;
// a value in a comment is not used at all.
func hasVar(p *tpiece) bool { return p.ctx != cComment }

func appendName(b []byte, prefix string, n int) []byte {
	b = append(b, prefix...)
	return strconv.AppendInt(b, int64(n), 10)
}

// appendRef appends the reference to variable n for p's context.
func appendRef(b []byte, p *tpiece, n int) []byte {
	var open, close string
	switch p.ctx {
	case cCode, cParam, cParamDQ:
		// A double-quoted expansion is one word, never split or globbed.
		open, close = `"`, `"`
		if p.bqDQ {
			open, close = `\"`, `\"`
		}
	case cSQ:
		// Close the single quotes, expand, reopen.
		open, close = `'"`, `"'`
	case cANSI:
		open, close = `'"`, `"$'`
	}
	// Double quotes, here-documents and arithmetic expand ${...} in
	// place (arithmetic values are checked to be integers).
	b = append(b, open...)
	b = append(b, "${"...)
	b = appendName(b, VarPrefix, n)
	b = append(b, '}')
	return append(b, close...)
}

// appendArrayRef appends the reference to array n, which stands for every
// copy of a repeated word: "${__pmap_aN[@]}" (the double quotes are the
// template's own for "{}").
func appendArrayRef(b []byte, p *tpiece, n int) []byte {
	if p.ctx == cCode {
		b = append(b, '"')
	}
	b = append(b, "${"...)
	b = appendName(b, ArrayPrefix, n)
	b = append(b, "[@]}"...)
	if p.ctx == cCode {
		b = append(b, '"')
	}
	return b
}

// Values are a job's variable values, in program order; a caller that
// runs many jobs reuses one, which then costs no allocation.
type Values struct {
	strs   []string
	ends   []int  // ends[i]: where variable i's values end in strs
	arrays []bool // arrays[i]: variable i is an array
}

// Len is the number of variables.
func (vs *Values) Len() int { return len(vs.ends) }

// Get returns variable i: its one value, or its list for an array.
func (vs *Values) Get(i int) (s string, list []string, array bool) {
	start := 0
	if i > 0 {
		start = vs.ends[i-1]
	}
	if vs.arrays[i] {
		return "", vs.strs[start:vs.ends[i]], true
	}
	return vs.strs[start], nil, false
}

// Reset empties vs, dropping its references to the last job's records.
func (vs *Values) Reset() {
	clear(vs.strs)
	vs.strs, vs.ends, vs.arrays = vs.strs[:0], vs.ends[:0], vs.arrays[:0]
}

// Fill sets vs to the values of the program's variables for d. It fails
// where String would: a missing field, a non-integer in arithmetic, a
// value that could end a here-document. Values are substrings of the
// records (no copies) except {#}, {%} and values joined over records,
// which are new strings: none shares memory that a later Fill reuses.
func (v *Vars) Fill(vs *Values, d *Data) error {
	vs.Reset()
	x := newExpander(d)
	reps := x.groupReps()
	for gi := range v.t.groups {
		g := &v.t.groups[gi]
		arr := v.array[gi]
		count, rep := 1, -1
		if g.repeat && !arr {
			count = reps
		}
		for r := 0; r < count; r++ {
			if g.repeat && !arr {
				rep = r
			}
			for pi := range g.pieces {
				p := &g.pieces[pi]
				if p.ph == nil || p.appendArgs || !hasVar(p) {
					continue
				}
				if !arr {
					if err := vs.add(&x, p, rep); err != nil {
						return err
					}
				} else {
					for r := range reps {
						if err := vs.add(&x, p, r); err != nil {
							return err
						}
					}
				}
				vs.ends = append(vs.ends, len(vs.strs))
				vs.arrays = append(vs.arrays, arr)
			}
		}
	}
	return nil
}

// add appends p's value for repetition rep to vs. It fails where
// String would, with the same error.
func (vs *Values) add(x *expander, p *tpiece, rep int) error {
	s, err := x.valueString(p.ph, rep)
	if err != nil {
		return err
	}
	if err := p.check([]byte(s)); err != nil {
		return err
	}
	if p.here {
		if err := hereCheck(p, s); err != nil {
			return err
		}
	}
	vs.strs = append(vs.strs, s)
	return nil
}

// AppendArgs appends the arguments that go to ArgsVar for d: the record
// (its fields when it has fields; every record with -N/-X) when the
// template has no replacement string, nothing otherwise.
func (v *Vars) AppendArgs(dst []string, d *Data) ([]string, error) {
	if !v.t.appendRec {
		return dst, nil
	}
	x := newExpander(d)
	if _, err := x.appendCount(); err != nil {
		return dst, err
	}
	for a := range x.args {
		dst = append(dst, a)
	}
	return dst, nil
}
