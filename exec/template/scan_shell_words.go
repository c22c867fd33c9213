package template

// Word boundaries and command position decide where a value may stay
// bare, where a record is appended, and whether a template needs a shell.

// wordChar notes that s[i] belongs to a word of code frame f.
func (x *shellScanner) wordChar(f *frame, i int) {
	if f.inWord {
		return
	}
	f.inWord, f.wordAt = true, i
	f.wordCmd = f.cmdPos && !f.redir
	f.tilde, f.brace, f.phs, f.skip = false, false, nil, 0
	f.prevOp = 0
	x.arithWordStart(f)
	if f == &x.frames[0] {
		x.flush()
		f.wordPiece, f.wordRec, f.wordSpread = len(x.pieces), false, false
	}
}

// endWord closes the current word of code frame f at s[i].
func (x *shellScanner) endWord(f *frame, i int) {
	if !f.inWord {
		return
	}
	f.inWord = false
	w := x.s[f.wordAt:i]
	if f.wordCmd {
		switch {
		case isAssignment(w) || isCommandPrefix(w):
			f.cmdPos = true
		default:
			f.cmdPos = false
		}
		switch w {
		case "case":
			f.cases++
		case "esac":
			if f.cases > 0 {
				f.cases--
			}
		}
	}
	x.arithWordEnd(f, w)
	if f.redir {
		f.redir, f.cmdPos = false, f.savedCmd
	}
	content := len(w) > f.skip
	for _, k := range f.phs {
		if f.brace {
			x.pieces[k].bare = false
		}
		x.pieces[k].emptyOK = x.pieces[k].bare && content
	}
	if f == &x.frames[0] {
		if !x.firstDone {
			x.firstDone = true
			if f.wordCmd && (isAssignment(w) || shellOnlyFirstWord(w)) {
				x.syntax = true
			}
		}
		x.flush()
		if f.wordSpread || f.wordRec && x.contextRepl {
			x.repeats = append(x.repeats, span{start: f.wordPiece, end: len(x.pieces), spread: f.wordSpread})
		}
		x.markAppend()
	}
}

// markAppend records the end of the last top-level token: where an
// appended record goes (before trailing blanks, comments and here-document
// bodies, which would swallow it).
func (x *shellScanner) markAppend() {
	x.flush()
	x.tokens++
	x.appendAt = len(x.pieces)
	x.appendCmd = x.frames[0].cmdPos && !x.frames[0].redir
}

// isAssignment reports whether raw word w starts with NAME= (or NAME+=).
func isAssignment(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		case c == '=' && i > 0:
			return true
		case c == '+' && i > 0 && i+1 < len(w) && w[i+1] == '=':
			return true
		default:
			return false
		}
	}
	return false
}

// isCommandPrefix reports whether the word after w is again in command
// position.
func isCommandPrefix(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time":
		return true
	}
	return false
}

// shellOnlyFirstWord reports whether w, as the first word, needs a shell:
// a reserved word, or a builtin without a binary of the same name (cd in a
// child process would change nothing).
func shellOnlyFirstWord(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until",
		"do", "done", "in", "function", "select", "time", "coproc", "{", "}", "!", "[[", "]]",
		"cd", "export", "source", ".", ":", "exit", "set", "unset", "alias", "unalias",
		"eval", "exec", "ulimit", "umask", "shift", "trap", "wait", "read", "local",
		"return", "break", "continue", "readonly", "declare", "typeset", "let", "hash",
		"type", "command", "builtin", "getopts", "jobs", "fg", "bg", "disown", "shopt",
		"enable", "pushd", "popd", "dirs", "history", "logout", "mapfile", "readarray",
		"times", "suspend", "caller", "compgen", "complete", "compopt", "bind", "help":
		return true
	}
	return false
}

// code handles a character of a code frame.
func (x *shellScanner) code(i int, c byte, w int, depth int) (int, error) {
	s := x.s
	f := x.top()
	raw := s[i : i+w]
	top := f == &x.frames[0]
	switch c {
	case ' ', '\t':
		x.endWord(f, i)
		x.lit = append(x.lit, raw...)
		return w, nil
	case '\n':
		x.endWord(f, i)
		x.syntax = true
		f.cmdPos, f.redir, f.prevOp = true, false, 0
		x.lit = append(x.lit, raw...)
		if len(x.heres) > 0 {
			h := x.heres[0]
			x.heres = x.heres[1:]
			x.push(fHere, i+w)
			nf := x.top()
			nf.delim, nf.quoted, nf.stripTabs, nf.lineStart = h.delim, h.quoted, h.stripTabs, true
		}
		return w, nil
	case ';', '&', '|', '(', ')', '<', '>':
		x.endWord(f, i)
		x.syntax = true
		prev := f.prevOp
		f.prevOp = c
		switch c {
		case '(':
			if (f.cmdPos && !f.redir || f.afterFor) && i+w < len(s) && s[i+w] == '(' {
				// bash's (( arithmetic command: like $((...)), single
				// quotes do not protect anything there
				x.push(fArith, i)
				x.top().close = ')'
				x.lit = append(x.lit, s[i:i+w+1]...)
				return w + 1, nil
			}
			f.depth++
			f.cmdPos = true
			if i > 0 && s[i-1] == '=' && f.arrLit == 0 {
				f.arrLit = f.depth // an array literal a=( ... )
			}
		case ')':
			switch {
			case f.depth > 0:
				if f.arrLit == f.depth {
					f.arrLit = 0
				}
				f.depth--
			case f.cases > 0:
				f.cmdPos = true // end of a case pattern
			case f.kind == fSubst:
				x.lit = append(x.lit, raw...)
				x.pop()
				return w, nil
			}
		case '<', '>':
			if c == '<' && i+w+1 < len(s) && s[i+w] == '<' && s[i+w+1] != '<' && prev != '<' {
				return x.hereDoc(i, w)
			}
			if !f.redir {
				f.redir, f.savedCmd = true, f.cmdPos
			}
		case '&':
			if prev != '<' && prev != '>' {
				f.cmdPos, f.redir = true, false
			}
		case '|':
			if prev != '>' {
				f.cmdPos, f.redir = true, false
			}
		case ';':
			f.cmdPos, f.redir = true, false
		}
		x.lit = append(x.lit, raw...)
		if top {
			x.markAppend()
		}
		return w, nil
	case '#':
		if !f.inWord {
			x.syntax = true
			x.push(fComment, i)
			x.lit = append(x.lit, raw...)
			return w, nil
		}
	case '`':
		x.wordChar(f, i)
		return x.backquote(i, w)
	}
	x.wordChar(f, i)
	switch c {
	case '\'':
		x.push(fSQ, i)
	case '"':
		x.push(fDQ, i)
	case '\\':
		return x.backslash(i, w, depth, true)
	case '$':
		return x.dollar(i, w, depth)
	case '~':
		if i == f.wordAt {
			x.syntax = true
		}
		f.tilde = true
	case '/':
		f.tilde = false
	case '*', '?', '[':
		x.syntax = true
		if c == '[' && x.subscriptAt(f, i) {
			x.push(fArith, i)
			x.top().close = ']'
		}
	case '{', '}': // a literal brace (bash brace expansion)
		f.brace = true
	}
	x.lit = append(x.lit, raw...)
	return w, nil
}
