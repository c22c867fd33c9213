package inprocess

import (
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// This file decides, once per program, whether a job can leave anything
// in its slot's interpreter for the next job to see. The interpreter's
// Reset rebuilds its whole state (it clears and refills its variable maps)
// and costs more than a short job itself; a program that cannot change
// that state does not need it between two jobs that ended well.

// stateless reports whether running f leaves the interpreter as it found
// it: no assignment (of any form), no function, no option, no directory
// change, no trap, no alias, no positional parameter, no background
// statement and no builtin that does any of these. It is deliberately
// strict: a construct it does not know keeps the reset.
func stateless(f *syntax.File) bool {
	ok := true
	syntax.Walk(f, func(n syntax.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background || n.Coprocess || n.Disown {
				ok = false
			}
		case *syntax.Assign, *syntax.DeclClause, *syntax.FuncDecl,
			*syntax.ForClause, *syntax.LetClause, *syntax.CoprocClause:
			// for and select set their variable.
			ok = false
		case *syntax.BinaryArithm:
			ok = !isArithAssign(n.Op)
		case *syntax.UnaryArithm:
			ok = n.Op != syntax.Inc && n.Op != syntax.Dec
		case *syntax.BinaryTest:
			ok = n.Op != syntax.TsReMatch // sets BASH_REMATCH
		case *syntax.ParamExp:
			ok = n.Exp == nil || n.Exp.Op != syntax.AssignUnset && n.Exp.Op != syntax.AssignUnsetOrNull
		case *syntax.Redirect:
			// {var}>file names a descriptor in a variable.
			ok = n.N == nil || isDigits(n.N.Value)
		case *syntax.CallExpr:
			ok = statelessCall(n)
		}
		return ok
	})
	return ok
}

// quietEnv reports whether a program runs on one goroutine and
// never lists the environment, so that the interpreter's only walk of it
// is the copy into Runner.Vars that Runner.Run makes when it returns (all
// of pmap's environment, after every job). In mvdan.cc/sh v3.14.1 the
// other walks are: a subshell run beside its parent (pipelines,
// background statements, process substitutions) copying the environment,
// ${!prefix*} listing names, and the default exec handler (replaced by
// pmap's, whose environ walks it knowingly).
func quietEnv(f *syntax.File) bool {
	ok := true
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
				ok = false
			}
		case *syntax.ProcSubst:
			ok = false
		case *syntax.ParamExp:
			if n.Names != 0 {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// statelessBuiltins are the builtins that only read the interpreter's
// state. Any other builtin may write it (cd, set, read, shift, eval,
// command, ...).
var statelessBuiltins = map[string]bool{
	":": true, "true": true, "false": true, "echo": true, "test": true, "[": true,
	"pwd": true, "type": true, "dirs": true, "help": true, "times": true,
	"exit": true, "return": true, "wait": true,
}

// statelessCall reports whether a simple command cannot change the
// interpreter's state: its name is a literal (a value or expansion could
// name cd), and it is an external command or a builtin that only reads.
func statelessCall(c *syntax.CallExpr) bool {
	if len(c.Args) == 0 {
		return true // only assignments, which the walk sees
	}
	name := c.Args[0].Lit()
	switch {
	case name == "":
		return false
	case name == "printf":
		// printf -v assigns; the first argument must be seen not to be it.
		if len(c.Args) < 2 {
			return true
		}
		first, static := staticStart(c.Args[1])
		return static && first != '-'
	case name == "break" || name == "continue":
		// break N past the enclosing loops would leave the count for the
		// next job.
		return len(c.Args) == 1
	case interp.IsBuiltin(name):
		return statelessBuiltins[name]
	}
	return true
}

// staticStart returns the first byte of w when w is made of literal text
// and quotes only (no expansion), and whether it is.
func staticStart(w *syntax.Word) (byte, bool) {
	var text []byte
	var add func(parts []syntax.WordPart) bool
	add = func(parts []syntax.WordPart) bool {
		for _, p := range parts {
			switch p := p.(type) {
			case *syntax.Lit:
				text = append(text, p.Value...)
			case *syntax.SglQuoted:
				if p.Dollar {
					return false
				}
				text = append(text, p.Value...)
			case *syntax.DblQuoted:
				if p.Dollar || !add(p.Parts) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	if !add(w.Parts) || len(text) == 0 {
		return 0, false
	}
	return text[0], true
}

// isArithAssign reports whether op assigns (=, +=, ... in $((...))).
func isArithAssign(op syntax.BinAritOperator) bool {
	switch op {
	case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn,
		syntax.QuoAssgn, syntax.RemAssgn, syntax.AndAssgn, syntax.OrAssgn,
		syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
		return true
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
