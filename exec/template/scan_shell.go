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
	cParamDQ            // cParam where bash's brace expansion would see the value unquoted (braceExposed)
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
	// ansiTail is set in $'...' when a backslash escape follows the value
	// before the closing quote: the quote must reopen as $'.
	ansiTail bool
	// here is set inside a here-document body, at any depth: the value
	// must not hold a newline or delim, which could end the body early.
	here  bool
	delim string
	// appendArgs marks where the record is appended to a template without
	// replacement strings.
	appendArgs bool
	// arith is set where bash evaluates the value as an arithmetic
	// expression whatever its quotes (scan_shell_arith.go): only an
	// integer may go there.
	arith bool
	// name is set where bash reads the value as a variable name (read
	// {}): a subscript in it would be arithmetic, so it must be a name.
	name bool
}

// tgroup is a run of pieces; with ContextReplace a top-level shell word
// holding a per-record replacement string is a group repeated per record.
type tgroup struct {
	pieces []tpiece
	repeat bool
	// spread is 1 + the index in pieces of the group's {name[]}, or 0:
	// the group is a top-level word repeated once per array element.
	spread int
}

// span is a range of pieces forming a top-level word to repeat.
type span struct {
	start, end int
	spread     bool // per element of a {name[]}, not per record
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
	wordPiece  int
	wordRec    bool
	wordSpread bool // the word holds a {name[]}: it repeats per element
	// here-document
	delim     string
	quoted    bool
	stripTabs bool
	lineStart bool
	// inherited from the enclosing frames, so that no lookup walks the stack
	bqDepth int  // open backquotes
	bqDQ    bool // the innermost backquote is directly inside double quotes
	hereAt  int  // index of the innermost here-document frame, or -1
	// bash arithmetic contexts (scan_shell_arith.go)
	arith     bool   // fParam: past a ':' offset, arithmetic to the '}'
	cmdName   string // the current simple command's name
	dbr       bool   // inside [[ ... ]]
	argsArith bool   // every argument is arithmetic: let, declare -i
	afterFor  bool   // the word just ended is a command's 'for'
	arrLit    int    // 1 + depth of an array literal a=( ... ), or 0
	nextArith bool   // the next word is an arithmetic operand ([[ -eq)
	wordArith bool   // the current word is an arithmetic operand
	nextName  bool   // the next word is a variable name (-v)
	wordName  bool   // the current word is a variable name
	wordPhs   []int  // pieces of the current word's values, any quoting
	lastPhs   []int  // wordPhs of the word before
}

type shellScanner struct {
	s      string
	br     *braces
	frames []frame
	pieces []tpiece
	lit    []byte
	// repeats are the top-level words to repeat: piece index ranges, per
	// record (-X) or per element of a {name[]}.
	repeats   []span
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
	// intNames are the variables the template declares integer (declare
	// -i x): assigning a value to one is arithmetic.
	intNames map[string]bool
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

// compileShell reads s as shell code and returns its pieces grouped for
// expansion.
func compileShell(s string, br *braces, contextReplace bool, noAppend bool) ([]tgroup, error) {
	x := newShellScanner(s, br, contextReplace)
	if err := x.run(); err != nil {
		return nil, err
	}
	if x.tokens == 0 {
		return nil, &Error{Msg: "empty command"}
	}
	pieces := x.pieces
	if !br.any && !noAppend {
		ap := tpiece{appendArgs: true, ctx: cCode, bare: !x.appendCmd}
		pieces = append(pieces[:x.appendAt:x.appendAt], append([]tpiece{ap}, pieces[x.appendAt:]...)...)
	}
	return group(pieces, x.repeats), nil
}

// group cuts pieces into groups (the repeated ranges and what lies
// between) and merges adjacent literals.
func group(pieces []tpiece, repeats []span) []tgroup {
	var gs []tgroup
	add := func(ps []tpiece, repeat, spread bool) {
		if len(ps) == 0 {
			return
		}
		var out []tpiece
		for _, p := range ps {
			if p.ph == nil && !p.appendArgs && len(out) > 0 {
				if last := &out[len(out)-1]; last.ph == nil && !last.appendArgs {
					last.lit += p.lit
					continue
				}
			}
			if p.ph == nil && !p.appendArgs && p.lit == "" {
				continue
			}
			out = append(out, p)
		}
		g := tgroup{pieces: out, repeat: repeat && !spread}
		if spread {
			for i := range out {
				if out[i].ph != nil && out[i].ph.spread {
					g.spread = i + 1
				}
			}
		}
		gs = append(gs, g)
	}
	at := 0
	for _, r := range repeats {
		add(pieces[at:r.start], false, false)
		add(pieces[r.start:r.end], true, r.spread)
		at = r.end
	}
	add(pieces[at:], false, false)
	return gs
}

// NeedsShell reports whether the template text uses shell syntax (pipes,
// lists, redirections, expansions, globs, keywords...) so that auto must
// run it through a shell. Replacement strings are not shell syntax, and
// neither is anything inside single quotes: awk '{print $1}' runs without
// a shell. opt says which groups are replacement strings (Named, Vars),
// as Compile will read them: a group that stays literal text, like
// {foo:-$(date)} without --json, is scanned as the shell will see it.
func NeedsShell(words []string, opt Options) bool {
	s := strings.Join(words, " ")
	br := &braces{s: s, opt: &opt, dollr: true, lenient: true}
	x := newShellScanner(s, br, false)
	_ = x.run() // a broken template fails to compile in either mode
	return x.syntax
}
