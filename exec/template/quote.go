package template

import "strings"

// text is what the quoting predicates read: a value as a string, or as
// the bytes an expansion has just appended to its buffer.
type text interface{ ~string | ~[]byte }

// safeTable marks the bytes Quote leaves bare: [A-Za-z0-9_@%+=:,./-]. None
// of them means anything to a POSIX shell inside a word.
var safeTable = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "_@%+=:,./-" {
		t[c] = true
	}
	return t
}()

// bareTable is safeTable without '=' and ','. A value inserted bare into
// shell code must not complete an assignment (X{} with "=1") or a bash
// brace expansion ({a,b}) that the template's own text starts.
var bareTable = func() [256]bool {
	t := safeTable
	t['='] = false
	t[','] = false
	return t
}()

// onlyIn reports whether s is non-empty and made only of bytes in table:
// an empty word exists only when quoted, as a pair of single quotes.
func onlyIn[T text](s T, table *[256]bool) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !table[s[i]] {
			return false
		}
	}
	return true
}

// isSafe reports whether s may stay bare as a shell word.
func isSafe[T text](s T) bool { return onlyIn(s, &safeTable) }

// isBare reports whether value s may stay bare inside a word of shell code.
func isBare[T text](s T) bool { return onlyIn(s, &bareTable) }

// Quote returns s as one shell word: bare when it is made only of safe
// characters, single-quoted otherwise (a pair of single quotes for the
// empty string). A single quote inside is written as quote, backslash,
// quote, quote (close, escaped quote, reopen), the only form that works in
// every POSIX shell.
func Quote(s string) string {
	if isSafe(s) {
		return s
	}
	return string(appendSQ(make([]byte, 0, quotedLen(s)), s))
}

// AppendQuote appends Quote(s) to dst.
func AppendQuote(dst []byte, s string) []byte {
	if isSafe(s) {
		return append(dst, s...)
	}
	return appendSQ(dst, s)
}

// quotedLen is len(Quote(s)) for an s that needs quotes.
func quotedLen(s string) int {
	return len(s) + 2 + 3*strings.Count(s, "'")
}

// appendSQ appends s single-quoted.
func appendSQ(dst []byte, s string) []byte {
	dst = append(dst, '\'')
	dst = appendSQBody(dst, s)
	return append(dst, '\'')
}

// appendSQBody appends s for the inside of a single-quoted string.
func appendSQBody(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, `'\''`...)
		s = s[i+1:]
	}
}

// isReserved reports whether s is a word a shell reads as syntax in
// command position although Quote leaves it bare (POSIX and bash).
func isReserved[T text](s T) bool {
	if len(s) > len("function") {
		return false // keeps the conversion below on the stack
	}
	switch string(s) {
	case "if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
		"while", "until", "for", "in", "function", "select", "time", "coproc":
		return true
	}
	return false
}

// commandWordSafe reports whether s may stay bare as the first word of a
// shell command: safe, not an assignment (A=1 would set a variable instead
// of running A=1), not a reserved word, and not starting with '-' (sh -c
// would take a command line starting with '-' for options).
func commandWordSafe[T text](s T) bool {
	if !isSafe(s) || s[0] == '-' || isReserved(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return false
		}
	}
	return true
}

// argSafe reports whether argv word s reads back as itself when written
// bare; first is set for the command name (see commandWordSafe).
func argSafe[T text](s T, first bool) bool {
	if first {
		return commandWordSafe(s)
	}
	return isSafe(s)
}

// JoinArgv returns argv as one shell command line that runs exactly argv:
// each word quoted as Quote does, the first also quoted when the shell would
// otherwise read it as an assignment or a reserved word. It is what
// --dry-run, --verbose and the joblog show for an exec job.
func JoinArgv(argv []string) string {
	return string(AppendArgv(nil, argv))
}

// AppendArgv appends JoinArgv(argv) to dst.
func AppendArgv(dst []byte, argv []string) []byte {
	for i, w := range argv {
		if i > 0 {
			dst = append(dst, ' ')
		}
		if argSafe(w, i == 0) {
			dst = append(dst, w...)
		} else {
			dst = appendSQ(dst, w)
		}
	}
	return dst
}

// escaper rewrites, in place, a value that was appended to a buffer as it
// is into its form for one quoting context: open, the bytes with each
// special one replaced, close. Expansion appends a value first and
// escapes it afterwards because whether a value needs quotes at all
// depends on all of its bytes; rewriting in place decides that in the
// same pass, where choosing first would mean measuring every value twice.
type escaper struct {
	open, close string
	// grow is how many bytes a special byte adds (0 for the others), so
	// that measuring needs no look at repl.
	grow [256]uint8
	repl [256]string
}

// newEscaper makes an escaper that puts a backslash before each byte of
// slashed.
func newEscaper(open, close, slashed string) *escaper {
	e := &escaper{open: open, close: close}
	for i := 0; i < len(slashed); i++ {
		e.set(slashed[i], `\`+slashed[i:i+1])
	}
	return e
}

func (e *escaper) set(c byte, repl string) {
	e.grow[c], e.repl[c] = uint8(len(repl)-1), repl
}

// quotesOnly makes an escaper for single quotes, where the only escape
// is closing them: a single quote becomes quote, backslash, quote, quote.
func quotesOnly(open, close string) *escaper {
	e := newEscaper(open, close, "")
	e.set('\'', `'\''`)
	return e
}

var (
	// sqWord quotes a whole word: '...'.
	sqWord = quotesOnly("'", "'")
	// sqBody is the inside of '...' written by the template.
	sqBody = quotesOnly("", "")
	// ansiBody is the inside of bash's $'...': close it, insert a '...'
	// string, and reopen, since $'...' has escapes of its own.
	ansiBody = quotesOnly("''", "'$'")
	// ansiPlain is ansiBody where the rest of the $'...' has no escape:
	// reopened as '...', which reads the same in bash, and dash (which
	// has no $'...' and reads it as $ then '...') sees no extra '$'.
	ansiPlain = quotesOnly("''", "''")
	// dqBody is the inside of "..." (and of backquotes within "...",
	// which also unescape \").
	dqBody = newEscaper("", "", "\\$`\"")
	// paramWord is a word inside ${...}, double-quoted: bash does not
	// honour single quotes in its subscripts and offsets.
	paramWord = newEscaper(`"`, `"`, "\\$`\"")
	// paramDQWord is paramWord where bash's brace expansion reads the
	// inner double quotes inverted ("${x:-"{a,b}"}" gives two words): the
	// braces and commas go outside them, '}' escaped so that it does not
	// end the ${...}. Every shell reads those as literal bytes there.
	paramDQWord = func() *escaper {
		e := newEscaper(`"`, `"`, "\\$`\"")
		e.set('{', `"{"`)
		e.set(',', `","`)
		e.set('}', `"\}"`)
		return e
	}()
	// slashBody escapes what a here-document body, or the shell's extra
	// unescaping inside backquotes, removes a backslash before.
	slashBody = newEscaper("", "", "\\$`")
)

// apply rewrites dst[start:] in place and returns the extended dst.
func (e *escaper) apply(dst []byte, start int) []byte {
	extra := len(e.open) + len(e.close)
	for _, c := range dst[start:] {
		extra += int(e.grow[c])
	}
	if extra == 0 {
		return dst
	}
	end := len(dst)
	dst = append(dst, make([]byte, extra)...)
	// Work backwards, so that no byte is overwritten before it is moved.
	w := len(dst) - len(e.close)
	copy(dst[w:], e.close)
	for r := end; r > start; {
		i := r - 1
		for i >= start && e.grow[dst[i]] == 0 {
			i--
		}
		w -= r - (i + 1)
		copy(dst[w:], dst[i+1:r])
		if i < start {
			break
		}
		repl := e.repl[dst[i]]
		w -= len(repl)
		copy(dst[w:], repl)
		r = i
	}
	copy(dst[start:], e.open)
	return dst
}

// bqEscape escapes dst[start:] for the inside of backquotes, in place:
// the shell removes one backslash before \ $ ` (and " within double
// quotes) there before it parses the command.
func bqEscape(dst []byte, start int, dq bool) []byte {
	if dq {
		return dqBody.apply(dst, start)
	}
	return slashBody.apply(dst, start)
}
