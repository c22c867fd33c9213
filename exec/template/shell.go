package template

import "strings"

// This file reads a template as POSIX shell code (with the bash forms
// people use: $'...', $"...", [[ ]]) far enough to know, for every
// replacement string, the quoting context it sits in, so that its value
// can be inserted as exactly its bytes and never as code. It is not a shell
// parser: it tracks quotes, expansions ($(...), ${...}, $((...)),
// backquotes), comments, here-documents and word boundaries, which is all
// quoting needs. The same pass tells NeedsShell whether the template uses
// shell syntax at all.

// ctx is the quoting context of an insertion point.
type ctx uint8

const (
	cPlain   ctx = iota // not shell: the value as it is
	cCode               // unquoted shell code
	cSQ                 // inside '...'
	cANSI               // inside bash's $'...'
	cDQ                 // inside "..."
	cParam              // inside ${...}: a double-quoted word, where bash's subscripts and offsets do not honour single quotes
	cArith              // inside $((...))
	cComment            // inside a comment
	cHereExp            // here-document body with expansions (<<EOF)
	cHereLit            // here-document body without (<<'EOF')
)

// tpiece is a piece of a Shell or Plain template.
type tpiece struct {
	lit string
	ph  *placeholder
	ctx ctx
	// bare allows a cCode value made of safe bytes to stay unquoted; it is
	// off where a bare word could change meaning (command position, after
	// '~', before '<' or '>', next to literal braces).
	bare bool
	// emptyOK lets an empty bare value vanish: its word has other
	// content, so pre{}post needs no '' for an empty value.
	emptyOK bool
	// bq is set inside backquotes, whose content the shell unescapes once
	// more (\\ \$ \`, and \" within double quotes: bqDQ) before parsing.
	bq, bqDQ bool
	// here is set inside a here-document body, at any depth: the value
	// must not hold a newline or delim, which could end the body early.
	here  bool
	delim string
	// appendArgs marks where the record is appended to a template without
	// replacement strings.
	appendArgs bool
}

// tgroup is a run of pieces; with ContextReplace a top-level shell word
// holding a per-record replacement string is a group repeated per record.
type tgroup struct {
	pieces []tpiece
	repeat bool
}

type frameKind uint8

const (
	fTop     frameKind = iota // the template's own commands
	fSubst                    // $( ... )
	fBQ                       // ` ... `
	fSQ                       // ' ... '
	fANSI                     // $' ... '
	fDQ                       // " ... "
	fParam                    // ${ ... }
	fArith                    // $(( ... ))
	fComment                  // # ... up to the newline
	fHere                     // a here-document body
)

// frame is one open construct; code frames (fTop, fSubst, fBQ) also track
// the current word.
type frame struct {
	kind  frameKind
	at    int  // byte offset where it opened, for messages
	depth int  // open '(' in code and arithmetic, open '{' in ${...}
	cases int  // open case ... esac: a ')' there ends a pattern
	close byte // fArith: ')' for $((...)) and ((...)), ']' for $[...]
	// word state
	inWord   bool
	wordAt   int  // byte offset of the current word
	cmdPos   bool // the next word is in command position
	wordCmd  bool // the current word is in command position
	redir    bool // the next word is a redirection target
	savedCmd bool // cmdPos before the redirection
	tilde    bool // the word has an unquoted '~' not yet followed by '/'
	brace    bool // the word has a literal unquoted brace
	prevOp   byte // the operator character just before, if any
	phs      []int
	skip     int // bytes of the word that are replacement strings (or dropped backslashes)
	// top-level words, for ContextReplace
	wordPiece int
	wordRec   bool
	// here-document
	delim     string
	quoted    bool
	stripTabs bool
	lineStart bool
	// inherited from the enclosing frames, so that no lookup walks the stack
	bqDepth int  // open backquotes
	bqDQ    bool // the innermost backquote is directly inside double quotes
	hereAt  int  // index of the innermost here-document frame, or -1
}

type hereDoc struct {
	delim     string
	quoted    bool
	stripTabs bool
}

type shellScanner struct {
	s      string
	br     *braces
	frames []frame
	pieces []tpiece
	lit    []byte
	// repeats are the top-level words to repeat: piece index ranges.
	repeats   [][2]int
	appendAt  int
	appendCmd bool
	tokens    int // top-level words and operators: none means an empty command
	heres     []hereDoc
	// NeedsShell's findings
	syntax    bool
	firstDone bool
	// backquote forms whose quoting is undefined or nested
	bqTrouble    bool
	bqTroubleAt  int
	contextRepl  bool
	placeholders int
}

func newShellScanner(s string, br *braces, contextRepl bool) *shellScanner {
	x := &shellScanner{s: s, br: br, contextRepl: contextRepl}
	x.frames = append(x.frames, frame{kind: fTop, cmdPos: true, hereAt: -1})
	return x
}

func (x *shellScanner) top() *frame { return &x.frames[len(x.frames)-1] }

func (x *shellScanner) push(k frameKind, at int) {
	parent := x.top()
	f := frame{kind: k, at: at, cmdPos: true, bqDepth: parent.bqDepth, bqDQ: parent.bqDQ, hereAt: parent.hereAt}
	switch k {
	case fBQ:
		f.bqDepth++
		f.bqDQ = parent.kind == fDQ
	case fHere:
		f.hereAt = len(x.frames)
	}
	x.frames = append(x.frames, f)
}

func (x *shellScanner) pop() {
	if len(x.frames) > 1 {
		x.frames = x.frames[:len(x.frames)-1]
	}
}

// bqState counts the open backquotes and tells whether a double quote
// directly encloses the innermost one ("`...`"), where the shell also
// unescapes \".
func (x *shellScanner) bqState() (depth int, dq bool) {
	f := x.top()
	return f.bqDepth, f.bqDQ
}

// inner returns the character at s[i] as the shell sees it after
// backquote unescaping, and how many raw bytes it takes.
func (x *shellScanner) inner(i int, depth int, dq bool) (byte, int) {
	s := x.s
	if depth > 0 && s[i] == '\\' && i+1 < len(s) {
		switch s[i+1] {
		case '\\', '$':
			return s[i+1], 2
		case '"':
			if dq {
				return '"', 2
			}
		case '`':
			// a nested backquote: its quoting would need one more level
			x.trouble(i)
			return '`', 2
		}
	}
	return s[i], 1
}

func (x *shellScanner) trouble(i int) {
	if !x.bqTrouble {
		x.bqTrouble, x.bqTroubleAt = true, i
	}
}

// flush turns the pending literal into a piece.
func (x *shellScanner) flush() {
	if len(x.lit) > 0 {
		x.pieces = append(x.pieces, tpiece{lit: string(x.lit)})
		x.lit = x.lit[:0]
	}
}

// phAt reports whether a replacement string (not a name after '$') starts
// at s[j], without consuming it.
func (x *shellScanner) phAt(j int) bool {
	if j >= len(x.s) || x.s[j] != '{' {
		return false
	}
	b := *x.br
	k, _, _, err := b.match(j, j > 0 && x.s[j-1] == '$')
	return err == nil && k == bracePH
}

func isCode(k frameKind) bool { return k == fTop || k == fSubst || k == fBQ }

// codeFrame is the innermost code frame (the one whose word a quote or
// expansion belongs to).
func (x *shellScanner) codeFrame() *frame {
	for i := len(x.frames) - 1; i >= 0; i-- {
		if isCode(x.frames[i].kind) {
			return &x.frames[i]
		}
	}
	return &x.frames[0]
}

// wordChar notes that s[i] belongs to a word of code frame f.
func (x *shellScanner) wordChar(f *frame, i int) {
	if f.inWord {
		return
	}
	f.inWord, f.wordAt = true, i
	f.wordCmd = f.cmdPos && !f.redir
	f.tilde, f.brace, f.phs, f.skip = false, false, nil, 0
	f.prevOp = 0
	if f == &x.frames[0] {
		x.flush()
		f.wordPiece, f.wordRec = len(x.pieces), false
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
		if f.wordRec && x.contextRepl {
			x.repeats = append(x.repeats, [2]int{f.wordPiece, len(x.pieces)})
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

// run scans the whole template.
func (x *shellScanner) run() error {
	s := x.s
	for i := 0; i < len(s); {
		f := x.top()
		if f.kind == fHere && f.lineStart {
			if n := x.hereEnd(i); n > 0 {
				i += n
				continue
			}
			f.lineStart = false
		}
		depth, bqDQ := x.bqState()
		c, w := x.inner(i, depth, bqDQ)
		if w == 1 && (c == '{' || c == '}') {
			n, err := x.brace(i)
			if err != nil {
				return err
			}
			if n > 0 {
				i += n
				continue
			}
		}
		n, err := x.step(i, c, w, depth)
		if err != nil {
			return err
		}
		i += n
	}
	// end of template
	for len(x.frames) > 1 {
		f := x.top()
		switch f.kind {
		case fComment, fHere:
			x.pop()
			continue
		case fSQ:
			return errAt(s, f.at, "unterminated single quote")
		case fANSI:
			return errAt(s, f.at, "unterminated $'...' quote")
		case fDQ:
			return errAt(s, f.at, "unterminated double quote")
		case fSubst:
			return errAt(s, f.at, "unterminated $(")
		case fParam:
			return errAt(s, f.at, "unterminated ${")
		case fArith:
			if f.close == ']' {
				return errAt(s, f.at, "unterminated $[")
			}
			return errAt(s, f.at, "unterminated arithmetic (( or $((")
		case fBQ:
			return errAt(s, f.at, "unterminated backquote")
		}
		x.pop()
	}
	x.endWord(&x.frames[0], len(s))
	x.flush()
	if x.bqTrouble && x.placeholders > 0 {
		return errAt(s, x.bqTroubleAt, "nested or quoted backquotes cannot hold replacement strings safely; use $(...)")
	}
	return nil
}

// brace handles a '{' or '}' at s[i]: a replacement string or an escape
// is consumed (n > 0); a literal brace is left to step (n == 0).
func (x *shellScanner) brace(i int) (int, error) {
	k, n, p, err := x.br.match(i, i > 0 && x.s[i-1] == '$')
	if err != nil {
		return 0, err
	}
	f := x.top()
	switch k {
	case bracePH:
		return n, x.placeholder(i, n, p)
	case braceOpen, braceClose:
		ch := byte('{')
		if k == braceClose {
			ch = '}'
		}
		if isCode(f.kind) {
			cf := x.codeFrame()
			x.wordChar(cf, i)
			cf.brace = true
		}
		if f.kind == fParam { // a literal brace the shell counts too
			if ch == '{' {
				f.depth++
			} else if f.depth > 0 {
				f.depth--
			}
		}
		x.lit = append(x.lit, ch)
		return n, nil
	}
	return 0, nil
}

// placeholder adds replacement string p (n bytes at s[i]) in the current
// context.
func (x *shellScanner) placeholder(i, n int, p *placeholder) error {
	x.placeholders++
	f := x.top()
	tp := tpiece{ph: p}
	switch f.kind {
	case fTop, fSubst, fBQ:
		tp.ctx = cCode
		x.wordChar(f, i)
		// Digits then '<' or '>' after the value would make it part of
		// a file descriptor number: {}>f, {}1>f.
		j := i + n
		for j < len(x.s) && '0' <= x.s[j] && x.s[j] <= '9' {
			j++
		}
		redirect := j < len(x.s) && (x.s[j] == '<' || x.s[j] == '>')
		// Inside case ... esac a bare "esac" could end the statement.
		tp.bare = !f.wordCmd && !f.tilde && !redirect && f.cases == 0
		f.skip += n
	case fSQ:
		tp.ctx = cSQ
	case fANSI:
		tp.ctx = cANSI
	case fDQ:
		tp.ctx = cDQ
	case fParam:
		tp.ctx = cParam
	case fArith:
		tp.ctx = cArith
	case fComment:
		tp.ctx = cComment
	case fHere:
		tp.ctx, tp.delim = cHereExp, f.delim
		if f.quoted {
			tp.ctx = cHereLit
		}
	}
	if h := x.top().hereAt; h >= 0 {
		tp.here, tp.delim = true, x.frames[h].delim
	}
	depth, dq := x.bqState()
	if depth > 1 {
		x.trouble(i)
	}
	tp.bq, tp.bqDQ = depth > 0, dq
	x.flush()
	if tp.ctx == cCode {
		f.phs = append(f.phs, len(x.pieces))
	}
	x.pieces = append(x.pieces, tp)
	if top := &x.frames[0]; top.inWord && p.perRecord {
		top.wordRec = true
	}
	return nil
}

// step handles one (unescaped-for-backquotes) character c of w raw bytes
// at s[i] and returns how many bytes it consumed.
func (x *shellScanner) step(i int, c byte, w int, depth int) (int, error) {
	s := x.s
	f := x.top()
	raw := s[i : i+w]
	switch f.kind {
	case fSQ:
		if c == '\'' {
			x.pop()
		}
	case fANSI:
		if c == '\\' && i+w < len(s) {
			x.lit = append(x.lit, s[i:i+w+1]...)
			return w + 1, nil
		}
		if c == '\'' {
			x.pop()
		}
	case fComment:
		if c == '\n' {
			x.pop()
			return 0, nil // the code frame sees the newline
		}
	case fDQ:
		switch c {
		case '"':
			x.pop()
		case '\\':
			return x.backslash(i, w, depth, false)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		}
	case fParam:
		switch c {
		case '}':
			if f.depth > 0 {
				f.depth--
			} else {
				x.pop()
			}
		case '{':
			f.depth++
		case '\\':
			return x.backslash(i, w, depth, true)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		case '"':
			x.push(fDQ, i)
		case '\'':
			if x.frames[len(x.frames)-2].kind != fDQ {
				x.push(fSQ, i)
			}
		}
	case fArith:
		switch c {
		case '(':
			f.depth++
		case ']':
			if f.close == ']' && f.depth == 0 {
				x.pop()
				defer x.arithDone()
			}
		case ')':
			if f.depth > 0 {
				f.depth--
			} else if f.close != ']' {
				x.pop()
				defer x.arithDone()
				if i+w < len(s) && s[i+w] == ')' {
					x.lit = append(x.lit, raw...)
					x.lit = append(x.lit, ')')
					return w + 1, nil
				}
			}
		case '\\':
			return x.backslash(i, w, depth, true)
		case '$':
			return x.dollar(i, w, depth)
		case '`':
			return x.backquote(i, w)
		case '"':
			x.push(fDQ, i)
		case '\'':
			x.push(fSQ, i)
		}
	case fHere:
		if c == '\n' {
			f.lineStart = true
		} else if !f.quoted {
			switch c {
			case '\\':
				return x.backslash(i, w, depth, false)
			case '$':
				return x.dollar(i, w, depth)
			case '`':
				return x.backquote(i, w)
			}
		}
	default:
		return x.code(i, c, w, depth)
	}
	x.lit = append(x.lit, raw...)
	return w, nil
}

// arithDone notes the end of an arithmetic command at the top level,
// which is a token like a word.
func (x *shellScanner) arithDone() {
	if len(x.frames) == 1 && !x.frames[0].inWord {
		x.markAppend()
	}
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
			if f.cmdPos && !f.redir && i+w < len(s) && s[i+w] == '(' {
				// bash's (( arithmetic command: like $((...)), single
				// quotes do not protect anything there
				x.push(fArith, i)
				x.top().close = ')'
				x.lit = append(x.lit, s[i:i+w+1]...)
				return w + 1, nil
			}
			f.depth++
			f.cmdPos = true
		case ')':
			switch {
			case f.depth > 0:
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
	case '{', '}': // a literal brace (bash brace expansion)
		f.brace = true
	}
	x.lit = append(x.lit, raw...)
	return w, nil
}

// backslash handles a '\' (w raw bytes) at s[i]. code tells whether it
// escapes any character (unquoted code, ${...}) or only $ ` " \ newline
// (double quotes, here-documents).
func (x *shellScanner) backslash(i, w, depth int, code bool) (int, error) {
	s := x.s
	j := i + w
	if j >= len(s) {
		// A trailing backslash is literal to sh; doubled so that an
		// appended argument cannot become part of its word.
		x.lit = append(x.lit, `\\`...)
		return w, nil
	}
	if x.phAt(j) {
		if depth > 0 {
			return 0, errAt(s, i, "a backslash before a replacement string inside backquotes is ambiguous; use $(...)")
		}
		if !code {
			// The backslash is literal here; doubled so that it stays
			// literal whatever the value starts with.
			x.lit = append(x.lit, `\\`...)
		}
		// In code the backslash escaped the brace, which the value replaces.
		if f := x.top(); isCode(f.kind) {
			f.skip += w
		}
		return w, nil
	}
	_, dq := x.bqState()
	_, nw := x.inner(j, depth, dq)
	if s[j] == '{' || s[j] == '}' {
		// let the brace be seen by the brace matcher (an escape {{ )
		x.lit = append(x.lit, s[i:j]...)
		return w, nil
	}
	x.lit = append(x.lit, s[i:j+nw]...)
	return w + nw, nil
}

// dollar handles a '$' at s[i]: expansions open frames; a '$' right before
// a replacement string becomes a literal '$'; a $name right before one
// becomes ${name}, so the value cannot extend the name.
func (x *shellScanner) dollar(i, w, depth int) (int, error) {
	s := x.s
	x.syntax = true
	j := i + w
	f := x.top()
	inDQ := f.kind == fDQ || f.kind == fHere
	if j >= len(s) {
		x.lit = append(x.lit, '$')
		return w, nil
	}
	switch c := s[j]; {
	case c == '(':
		if j+1 < len(s) && s[j+1] == '(' {
			x.push(fArith, i)
			x.top().close = ')'
			x.lit = append(x.lit, s[i:j+2]...)
			return j + 2 - i, nil
		}
		x.push(fSubst, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '{':
		if x.phAt(j) {
			if depth > 0 {
				return 0, errAt(s, i, "a $ before a replacement string inside backquotes is ambiguous; use $(...)")
			}
			x.lit = append(x.lit, `\$`...)
			return w, nil
		}
		x.push(fParam, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '[': // bash's old $[...] arithmetic
		x.push(fArith, i)
		x.top().close = ']'
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '\'' && !inDQ:
		x.push(fANSI, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '"' && !inDQ:
		x.push(fDQ, i)
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		k := j + 1
		if c > '9' {
			for k < len(s) && (s[k] == '_' || 'a' <= s[k] && s[k] <= 'z' || 'A' <= s[k] && s[k] <= 'Z' || '0' <= s[k] && s[k] <= '9') {
				k++
			}
		}
		if x.phAt(k) {
			x.lit = append(x.lit, "${"...)
			x.lit = append(x.lit, s[j:k]...)
			x.lit = append(x.lit, '}')
		} else {
			x.lit = append(x.lit, s[i:k]...)
		}
		return k - i, nil
	case strings.IndexByte("@*#?-$!", c) >= 0:
		x.lit = append(x.lit, s[i:j+1]...)
		return j + 1 - i, nil
	}
	x.lit = append(x.lit, s[i:j]...)
	return w, nil
}

// backquote opens or closes a `...` command substitution.
func (x *shellScanner) backquote(i, w int) (int, error) {
	x.syntax = true
	x.lit = append(x.lit, x.s[i:i+w]...)
	if w > 1 {
		return w, nil // an escaped (nested) backquote, already flagged
	}
	f := x.top()
	if f.kind == fBQ {
		x.pop()
		return w, nil
	}
	for k := len(x.frames) - 1; k >= 0 && f.bqDepth > 0; k-- {
		if x.frames[k].kind == fBQ {
			// A backquote inside quotes or $(...) within backquotes:
			// shells disagree on which one it closes.
			x.trouble(i)
			x.frames = x.frames[:k]
			return w, nil
		}
	}
	x.push(fBQ, i)
	return w, nil
}

// hereDoc reads "<<[-]WORD" at s[i] and queues the body for the next newline.
func (x *shellScanner) hereDoc(i, w int) (int, error) {
	s := x.s
	f := x.top()
	j := i + w + 1
	h := hereDoc{}
	if j < len(s) && s[j] == '-' {
		h.stripTabs = true
		j++
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	var d []byte
	k := j
	for k < len(s) {
		c := s[k]
		if c == ' ' || c == '\t' || c == '\n' || strings.IndexByte(";&|()<>", c) >= 0 {
			break
		}
		switch c {
		case '\'', '"':
			h.quoted = true
			e := strings.IndexByte(s[k+1:], c)
			if e < 0 {
				return 0, errAt(s, k, "unterminated quote in here-document delimiter")
			}
			d = append(d, s[k+1:k+1+e]...)
			k += e + 2
			continue
		case '\\':
			h.quoted = true
			if k+1 < len(s) {
				d = append(d, s[k+1])
			}
			k += 2
			continue
		}
		d = append(d, c)
		k++
	}
	if k > len(s) {
		k = len(s)
	}
	h.delim = string(d)
	x.heres = append(x.heres, h)
	x.lit = append(x.lit, s[i:k]...)
	f.prevOp = 0
	if f == &x.frames[0] {
		x.markAppend()
	}
	return k - i, nil
}

// hereEnd checks whether the line at s[i] ends the current here-document,
// and if so consumes it (with its newline).
func (x *shellScanner) hereEnd(i int) int {
	s := x.s
	f := x.top()
	e := strings.IndexByte(s[i:], '\n')
	line := s[i:]
	if e >= 0 {
		line = s[i : i+e]
	}
	check := line
	if f.stripTabs {
		check = strings.TrimLeft(check, "\t")
	}
	if check != f.delim {
		return 0
	}
	n := len(line)
	if e >= 0 {
		n++
	}
	x.lit = append(x.lit, s[i:i+n]...)
	x.pop()
	if len(x.heres) > 0 {
		h := x.heres[0]
		x.heres = x.heres[1:]
		x.push(fHere, i+n)
		nf := x.top()
		nf.delim, nf.quoted, nf.stripTabs, nf.lineStart = h.delim, h.quoted, h.stripTabs, true
	}
	return n
}

// NeedsShell reports whether the template text uses shell syntax (pipes,
// lists, redirections, expansions, globs, keywords...) so that auto must
// run it through a shell. Replacement strings are not shell syntax, and
// neither is anything inside single quotes: awk '{print $1}' runs without
// a shell.
func NeedsShell(words []string) bool {
	s := strings.Join(words, " ")
	br := &braces{s: s, opt: &Options{Named: true}, dollr: true}
	x := newShellScanner(s, br, false)
	_ = x.run() // a broken template fails to compile in either mode
	return x.syntax
}
