package template

import "strings"

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

// isSafe reports whether s is non-empty and made only of safeTable bytes.
func isSafe(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !safeTable[s[i]] {
			return false
		}
	}
	return true
}

// Quote returns s as one shell word: bare when it is made only of safe
// characters, single-quoted otherwise (a pair of single quotes for the
// empty string). A single quote inside is written as quote, backslash,
// quote, quote (close, escaped quote, reopen), the only form that works in
// every POSIX shell.
func Quote(s string) string {
	if isSafe(s) {
		return s
	}
	n := quotedLen(s)
	b := make([]byte, 0, n)
	b = appendSQ(b, s)
	return string(b)
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

// reservedWords are the words a shell reads as syntax in command position
// although Quote leaves them bare (POSIX and bash).
var reservedWords = [...]string{
	"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
	"while", "until", "for", "in", "function", "select", "time", "coproc",
}

func isReserved(s string) bool {
	for _, w := range reservedWords {
		if s == w {
			return true
		}
	}
	return false
}

// commandWordSafe reports whether s may stay bare as the first word of a
// shell command: safe, not an assignment (A=1 would set a variable instead
// of running A=1), not a reserved word, and not starting with '-' (sh -c
// would take a command line starting with '-' for options).
func commandWordSafe(s string) bool {
	return isSafe(s) && s[0] != '-' && strings.IndexByte(s, '=') < 0 && !isReserved(s)
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
		if i == 0 && !commandWordSafe(w) {
			dst = appendSQ(dst, w)
			continue
		}
		dst = AppendQuote(dst, w)
	}
	return dst
}
