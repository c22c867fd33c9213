package template

import "strings"

// Bash evaluates some words as arithmetic, and arithmetic expands $(...)
// and a[$(...)] subscripts from a value whatever the quotes around it:
// (( '{}' )) runs a command named in the record. This file finds those
// places so that a value there gets the integer check of $((...)):
//
//   - $((...)), $[...], ((...)) and for ((...)), at any quoting depth
//     within them;
//   - array subscripts: NAME[...] in an assignment (a[{}]=1, also as an
//     argument of declare, local, unset, read...), [...]= in an array
//     literal a=([{}]=1), and ${NAME[...]};
//   - the offset and length of ${NAME:offset:length};
//   - the operands of [[ ... ]]'s -eq -ne -lt -le -gt -ge, and of -v
//     in [[ ]] and test;
//   - the arguments of let, and of declare/typeset/local/readonly/export
//     with -i, and assignments to a variable the template declared -i.
//
// A value that bash reads as a variable name (read {}, unset {}, declare
// {}=1, [[ -v {} ]], printf -v {}) must be a plain name or a number, as a
// subscript in it would be evaluated.
//
// A value that reaches arithmetic through a variable or a command's output
// (x={}; echo $((x))) is the template's own evaluation and is not checked.

// arithHere reports whether a value at s[i] is evaluated as arithmetic.
func (x *shellScanner) arithHere(i int) bool {
	for k := len(x.frames) - 1; k >= 0 && !isCode(x.frames[k].kind); k-- {
		switch f := &x.frames[k]; {
		case f.kind == fArith, f.kind == fParam && f.arith:
			return true
		}
	}
	cf := x.codeFrame()
	if cf.wordArith || cf.argsArith && !cf.wordCmd && !cf.redir {
		return true
	}
	if cf.inWord && (cf.wordCmd || declLike(cf.cmdName)) {
		if name, ok := assignedName(x.s[cf.wordAt:i]); ok && x.intNames[name] {
			return true
		}
	}
	return false
}

// nameHere reports whether a value at s[i] is read by bash as a variable
// name, where a subscript a[$(...)] would run: an argument of read, unset,
// mapfile, the NAME of declare's NAME=VALUE, the operand of -v.
func (x *shellScanner) nameHere(i int) bool {
	cf := x.codeFrame()
	if !cf.inWord || cf.wordCmd || cf.redir {
		return false
	}
	if cf.wordName {
		return true
	}
	head := x.s[cf.wordAt:i]
	if strings.HasPrefix(head, "-") {
		return false
	}
	switch {
	case cf.cmdName == "read", cf.cmdName == "unset", cf.cmdName == "mapfile", cf.cmdName == "readarray":
		return true
	case declLike(cf.cmdName):
		return !strings.Contains(head, "=")
	}
	return false
}

// arithWordStart resets the per-word state of code frame f as a word
// starts; a word in command position starts a new simple command.
func (x *shellScanner) arithWordStart(f *frame) {
	f.wordPhs = nil
	f.wordArith, f.nextArith = f.nextArith, false
	f.wordName, f.nextName = f.nextName, false
	f.afterFor = false
	if f.cmdPos && !f.redir && !f.dbr && f.arrLit == 0 {
		f.cmdName, f.argsArith = "", false
	}
}

// arithWordEnd reads word w of code frame f as it ends: command names,
// declare's flags and names, [[ ]] operators.
func (x *shellScanner) arithWordEnd(f *frame, w string) {
	defer func() { f.lastPhs, f.wordPhs, f.wordArith, f.wordName = f.wordPhs, nil, false, false }()
	if f.arrLit > 0 {
		return
	}
	if f.dbr {
		switch w {
		case "]]":
			f.dbr, f.cmdName = false, ""
		case "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
			for _, k := range f.lastPhs {
				x.pieces[k].arith = true
			}
			f.nextArith = true
		case "-v":
			f.nextName = true
		}
		return
	}
	if f.wordCmd && !f.redir {
		if _, ok := assignedName(w); ok {
			return
		}
		switch {
		case w == "for":
			f.afterFor = true
		case w == "[[":
			f.dbr = true
		case w == "let":
			f.argsArith = true
		}
		if !isCommandPrefix(w) {
			f.cmdName = w
		}
		return
	}
	switch {
	case (f.cmdName == "test" || f.cmdName == "[" || f.cmdName == "printf") && w == "-v":
		f.nextName = true
	case declLike(f.cmdName) && len(w) > 1 && w[0] == '-' && strings.IndexByte(w, 'i') > 0:
		f.argsArith = true
	case declLike(f.cmdName) && f.argsArith:
		n := 0
		for n < len(w) && isNameByte(w[n], n) {
			n++
		}
		if n > 0 && (n == len(w) || w[n] == '=' || w[n] == '[' || w[n] == '+') {
			if x.intNames == nil {
				x.intNames = map[string]bool{}
			}
			x.intNames[w[:n]] = true
		}
	}
}

// subscriptAt reports whether an unquoted '[' at s[i], in the current
// word of code frame f, opens an array subscript: after NAME in an
// assignment or a name argument, or first in a word of an array literal.
func (x *shellScanner) subscriptAt(f *frame, i int) bool {
	head := x.s[f.wordAt:i]
	if head == "" {
		return f.arrLit > 0 && f.depth == f.arrLit
	}
	if f.arrLit > 0 || !isName(head) {
		return false
	}
	return f.wordCmd && !f.dbr || nameArgs(f.cmdName)
}

// paramArith notes, at a ':' or '[' at s[i] in ${...} frame f, whether
// arithmetic starts: a subscript after the name (push), or an offset.
func (x *shellScanner) paramArith(f *frame, i int, c byte) bool {
	head := x.s[f.at+2 : i]
	if head != "" && (head[0] == '#' || head[0] == '!') {
		head = head[1:]
	}
	switch c {
	case '[':
		if isName(head) {
			x.push(fArith, i)
			x.top().close = ']'
			return true
		}
	case ':':
		if j := strings.IndexByte(head, '['); j > 0 && head[len(head)-1] == ']' {
			head = head[:j]
		}
		if isName(head) || head == "@" || head == "*" || len(head) == 1 && '0' <= head[0] && head[0] <= '9' {
			if i+1 < len(x.s) && strings.IndexByte("-=+?", x.s[i+1]) < 0 {
				f.arith = true
			}
		}
	}
	return false
}

// declLike reports whether command name takes NAME=VALUE arguments with
// attributes (-i makes them arithmetic).
func declLike(name string) bool {
	switch name {
	case "declare", "typeset", "local", "readonly", "export":
		return true
	}
	return false
}

// nameArgs reports whether command name takes variable names, in which
// bash evaluates a NAME[...] subscript.
func nameArgs(name string) bool {
	switch name {
	case "unset", "read", "printf", "mapfile", "readarray", "let":
		return true
	}
	return declLike(name)
}

// assignedName returns NAME when w starts an assignment NAME=, NAME+= or
// NAME[...]=.
func assignedName(w string) (string, bool) {
	n := 0
	for n < len(w) && isNameByte(w[n], n) {
		n++
	}
	if n == 0 {
		return "", false
	}
	rest := w[n:]
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return "", false
		}
		rest = rest[j+1:]
	}
	if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "+=") {
		return w[:n], true
	}
	return "", false
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i) {
			return false
		}
	}
	return s != ""
}

func isNameByte(c byte, i int) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9'
}
