package inprocess

import (
	"errors"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/pmap-dev/pmap/exec/template"
)

// This file looks at a parsed in-process program once, before any job:
// whether a value could reach a command other than as its exact bytes,
// whether statements can outlive the program, and whether only a real
// shell process does what the template asks.

// errSplitValue is a replacement string in the word of an unquoted
// ${name:-word} (or :+, :=, ${name/x/word}): the interpreter splits and
// globs that word even where it is quoted, which sh does not.
var errSplitValue = errors.New("a replacement string inside an unquoted ${...:-word} would be split into words by the in-process shell; put the ${...} in double quotes")

// errPatternValue is a replacement string in the pattern of ${x#p} or
// ${x%p}: the interpreter reads the value as a pattern even where it is
// quoted, which sh does not.
var errPatternValue = errors.New("a replacement string in the pattern of ${x#...} or ${x%...} would be a pattern to the in-process shell, not literal text")

func isRemove(op syntax.ParExpOperator) bool {
	return op == syntax.RemSmallPrefix || op == syntax.RemLargePrefix || op == syntax.RemSmallSuffix || op == syntax.RemLargeSuffix
}

// checkProgram fails when a value could not reach its command intact.
func checkProgram(f *syntax.File) error {
	var bad error
	var visit func(node syntax.Node, inDQ bool)
	visit = func(node syntax.Node, inDQ bool) {
		syntax.Walk(node, func(n syntax.Node) bool {
			if bad != nil {
				return false
			}
			switch n := n.(type) {
			case *syntax.DblQuoted:
				for _, p := range n.Parts {
					visit(p, true)
				}
				return false
			case *syntax.CmdSubst:
				// Quoting starts afresh inside $(...).
				for _, st := range n.Stmts {
					visit(st, false)
				}
				return false
			case *syntax.ParamExp:
				if !inDQ && splitsValue(n) {
					bad = errSplitValue
					return false
				}
				if n.Exp != nil && isRemove(n.Exp.Op) && readsValue(n.Exp.Word) {
					bad = errPatternValue
					return false
				}
			}
			return true
		})
	}
	visit(f, false)
	return bad
}

// splitsValue reports whether p's result can be a word that holds a value
// variable: a default, alternate or assigned word, or a replacement.
func splitsValue(p *syntax.ParamExp) bool {
	if p.Exp != nil {
		switch p.Exp.Op {
		case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset,
			syntax.AlternateUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull:
			return readsValue(p.Exp.Word)
		}
	}
	return p.Repl != nil && readsValue(p.Repl.With)
}

// readsValue reports whether node expands a value variable (outside of a
// command substitution, whose output is a separate matter).
func readsValue(node syntax.Node) bool {
	if node == nil {
		return false
	}
	found := false
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			return false
		case *syntax.ParamExp:
			if n.Param != nil && (strings.HasPrefix(n.Param.Value, template.VarPrefix) || strings.HasPrefix(n.Param.Value, template.ArrayPrefix)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// usesPatterns reports whether the program removes or replaces patterns
// made at run time (${x#$p} ${x%$(...)} ${x/$p/r}): the interpreter
// compiles such a pattern in a way that crashes on bytes that are not
// UTF-8.
func usesPatterns(f *syntax.File) bool {
	found := false
	syntax.Walk(f, func(n syntax.Node) bool {
		if p, ok := n.(*syntax.ParamExp); ok {
			if p.Exp != nil && isRemove(p.Exp.Op) && dynamic(p.Exp.Word) || p.Repl != nil && dynamic(p.Repl.Orig) {
				found = true
			}
		}
		return !found
	})
	return found
}

// dynamic reports whether word w holds an expansion.
func dynamic(w *syntax.Word) bool {
	if w == nil {
		return false
	}
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst:
			found = true
		}
		return !found
	})
	return found
}

// hasBackground reports whether statements of the program can still run
// when it returns: cmd &, coprocesses, process substitutions.
func hasBackground(f *syntax.File) bool {
	found := false
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			found = found || n.Background || n.Coprocess || n.Disown
		case *syntax.ProcSubst, *syntax.CoprocClause:
			found = true
		}
		return !found
	})
	return found
}

// unsupported are the builtins the interpreter knows but does not
// implement, or implements only for itself (its process is pmap).
var unsupported = map[string]bool{
	"kill": true, "ulimit": true, "umask": true, "jobs": true, "fg": true, "bg": true,
	"disown": true, "suspend": true, "times": true, "fc": true, "history": true,
	"newgrp": true, "logout": true, "enable": true, "bind": true, "caller": true,
	"compgen": true, "complete": true, "compopt": true,
}

// shellOnly returns why the program is better run by a real shell: it
// reads the shell's process ids, traps signals, or calls a builtin the
// interpreter lacks. "" when nothing does.
func shellOnly(f *syntax.File) string {
	reason := ""
	syntax.Walk(f, func(n syntax.Node) bool {
		if reason != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param != nil {
				switch n.Param.Value {
				case "$", "!", "PPID", "BASHPID":
					reason = "$" + n.Param.Value + " names a shell process"
				}
			}
		case *syntax.CallExpr:
			reason = callShellOnly(n)
		case *syntax.Redirect:
			reason = redirShellOnly(n)
		}
		return reason == ""
	})
	return reason
}

func callShellOnly(c *syntax.CallExpr) string {
	args := c.Args
	for len(args) > 0 {
		name := args[0].Lit()
		switch {
		case name == "command" || name == "builtin" || name == "exec":
			args = args[1:]
			continue
		case unsupported[name]:
			return "the in-process shell has no " + name
		case name == "trap":
			// EXIT and ERR traps work in-process; signals do not reach it.
			for i, a := range args[1:] {
				if s := a.Lit(); i > 0 || len(args) == 2 {
					if s != "EXIT" && s != "ERR" {
						return "signal traps need a shell process"
					}
				}
			}
		}
		break
	}
	return ""
}

// redirShellOnly returns why the interpreter cannot do redirection rd: it
// knows file descriptors 0, 1 and 2 only, and not <> or >|.
func redirShellOnly(rd *syntax.Redirect) string {
	if rd.N != nil && rd.N.Value != "0" && rd.N.Value != "1" && rd.N.Value != "2" {
		return "the in-process shell redirects only file descriptors 0, 1 and 2"
	}
	switch rd.Op {
	case syntax.RdrIn, syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll,
		syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return ""
	case syntax.DplOut:
		if w := rd.Word.Lit(); w == "1" || w == "2" || w == "-" {
			return ""
		}
	case syntax.DplIn:
		if rd.Word.Lit() == "-" {
			return ""
		}
	}
	return "the in-process shell cannot do the redirection " + rd.Op.String()
}
