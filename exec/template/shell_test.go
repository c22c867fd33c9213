package template

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/input"
)

// hostile are values that must reach the program as exactly these bytes.
// The checks that need no shell use them all; the ones that run shells
// use sample.
var hostile = []string{
	"plain",
	"a b; rm -rf ~ $(reboot)",
	"$(pwned)", "`pwned`", "${HOME}", "$HOME", "$((6*7))", "$'x'",
	"it's", "'", "''", `"`, `"double"`, `'; pwned; '`, `"; pwned; "`,
	`\`, `\\`, `trailing\`, `\'`, `\"`, "\\\n", `\$HOME`, "\\`pwned\\`",
	"*", "?", "[a]", "~", "~root", "~/x", "-n", "--help", "-", "=", "a=b", "PATH=/x",
	"a\tb", "a\nb", "\n", "x\n\n", "\r\n", "  lead and trail  ", "",
	"}", "{", "{}", "{{}}", "}}", "${x}", "a}b",
	"!", "!!", "#comment", "a #b", ";", "&&", "|", ">out", "<in", "2>&1", "2",
	"if", "then", "fi", "done", "{ pwned; }", "(pwned)", "a\x01b\x7f",
	"\xff\xfe", "é ü 中", "%s %d", "EOF", "1..3", "a,b",
}

// longValue holds every byte that means something to a shell, many
// times over: a value far longer than any quoting state a bug could keep.
// Its brace expansions are there once: were they expanded, 64 of them
// would make 2^64 words.
var longValue = strings.Repeat("x'y\"z $(pwned) `pwned` ${HOME} \\ \\\n\t*?[a]~#!;&|<>=\xff", 64) + "{a,b}{1..3}"

// sample is a value of each kind that has broken shell quoting somewhere:
// quotes, expansions and backquotes, backslashes, newlines, bytes that are
// not text, invalid UTF-8, the empty string, a long value, and the words
// that matter in one context only (an assignment or a reserved word in
// command position, a digit before '>', "esac" in a case pattern, a
// here-document's delimiter, bash brace expansion).
var sample = []string{
	"plain", "", "two words",
	"it's", `"; pwned; "`, `'; pwned; '`,
	"a b; rm -rf ~ $(reboot)", "`pwned`", "${HOME}$((6*7))", "$'x'",
	`\`, `trailing\`, "\\`pwned\\`", "\\\n",
	"a\nb", "x\n\n", "\r\n",
	"*", "~root", "-n", "a=b", "if", "esac", "2", "EOF",
	"{a,b}", "}", "1..3", "#c",
	"\x01\x02\x7f\t", "\xff\xfe é",
	longValue,
}

// clip quotes s for a message, cut short when it is long.
func clip(s string) string {
	if len(s) > 300 {
		return strconv.Quote(s[:300]) + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

// short names a value in a message.
func short(v string) string {
	if len(v) > 40 {
		return strconv.Quote(v[:40]) + "..."
	}
	return strconv.Quote(v)
}

// sandbox runs shell code with rm, reboot and pwned replaced by commands
// that only leave a mark, HOME pointing to a scratch directory, and fails
// the test if a mark appears: hostile input must never run as code.
type sandbox struct {
	dir   string
	marks string
	env   []string
}

func newSandbox(t testing.TB) *sandbox {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	marks := filepath.Join(dir, "marks")
	for _, d := range []string{bin, marks, filepath.Join(dir, "home")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"rm", "reboot", "pwned"} {
		// The mark names the case that ran it.
		script := "#!/bin/sh\necho \"$PMAP_CASE\" >> " + Quote(filepath.Join(marks, name)) + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &sandbox{dir: dir, marks: marks,
		env: []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + filepath.Join(dir, "home"), "TMPF=" + filepath.Join(dir, "tmpf"), "LC_ALL=C"}}
}

// stub adds an executable named name that prints its name and arguments.
func (sb *sandbox) stub(t testing.TB, name string) {
	script := "#!/bin/sh\nprintf '<%s>' " + Quote(name) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(sb.dir, "bin", name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// shell is a shell that pmap's quoting must hold in.
type shell struct {
	name string   // the command
	args []string // before the script
	ansi bool     // it reads bash's $'...'
}

// shells are checked when installed. zsh runs in its sh emulation, the
// mode in which it claims POSIX behaviour: native zsh expands braces and
// tildes where sh does not, and pmap quotes for POSIX sh and bash.
var shells = []shell{
	{name: "sh"},
	{name: "dash"},
	{name: "bash", ansi: true},
	{name: "zsh", args: []string{"--emulate", "sh"}, ansi: true},
	{name: "ksh", ansi: true},
	{name: "mksh", ansi: true},
	{name: "busybox", args: []string{"sh"}},
}

// forEachShell runs f in a subtest per shell, skipping the shells that
// are not installed and those that are another one under a second name
// (sh is often dash or bash).
func forEachShell(t *testing.T, f func(t *testing.T, sh shell, path string)) {
	seen := map[string]string{}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			p, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("%s is not installed", sh.name)
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				t.Skipf("%s: %v", sh.name, err)
			}
			if other, ok := seen[real]; ok {
				t.Skipf("%s is %s, checked as %s", sh.name, real, other)
			}
			seen[real] = sh.name
			f(t, sh, p)
		})
	}
}

// shellCase is shell code and what it must print.
type shellCase struct {
	name string // what is checked, for messages
	code string
	want string
	ansi bool // the code uses $'...', which not every shell reads
}

// runShells runs all cases in one process of each installed shell and
// compares every case's output with its want. Each case's stdout goes to
// a file of its own, so that one case's output cannot be confused with
// another's whatever bytes it holds.
func runShells(t *testing.T, cases []shellCase) {
	t.Helper()
	sb := newSandbox(t)
	forEachShell(t, func(t *testing.T, sh shell, path string) {
		sb.runBatch(t, sh, path, cases)
	})
}

func (sb *sandbox) runBatch(t *testing.T, sh shell, path string, cases []shellCase) {
	// Each case's output, on stdout and on stderr, follows a line with a
	// random boundary and its number: no value can contain the boundary,
	// so no output can pass for another case's.
	boundary := fmt.Sprintf("pmap-case-%016x", rand.Uint64())
	var script strings.Builder
	for i, c := range cases {
		if c.ansi && !sh.ansi {
			continue
		}
		// A group, not a subshell: forking for every case would make the
		// run several times slower. No case leaves state that another
		// reads: each sets or unsets its own variables.
		fmt.Fprintf(&script, "export PMAP_CASE=%d\nprintf '\\n%s %d\\n'\nprintf '\\n%s %d\\n' >&2\n{\n%s\n}\n",
			i, boundary, i, boundary, i, c.code)
	}
	fmt.Fprintf(&script, "printf '\\n%s end\\n'\n", boundary)
	file := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// A runaway shell fails the test rather than hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append(sh.args, file)...)
	cmd.Env = sb.env
	cmd.Dir = sb.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	outs, errs := frames(stdout.String(), boundary), frames(stderr.String(), boundary)

	failed := 0
	fail := func(format string, args ...any) {
		if failed++; failed <= 10 {
			t.Errorf(format, args...)
		}
	}
	if _, ok := outs["end"]; !ok {
		fail("%s stopped early (%v): stderr %q", sh.name, runErr, stderr.String())
	}
	for i, c := range cases {
		if c.ansi && !sh.ansi {
			continue
		}
		got, ok := outs[strconv.Itoa(i)]
		if !ok {
			fail("%s: no output: the script stopped before it", c.name)
			continue
		}
		if got != c.want {
			fail("%s:\ncode %s\n got %s\nwant %s\n(stderr %s)", c.name, clip(c.code), clip(got), clip(c.want), clip(errs[strconv.Itoa(i)]))
		}
	}
	if failed > 10 {
		t.Errorf("... and %d more failures", failed-10)
	}
	ents, _ := os.ReadDir(sb.marks)
	for _, e := range ents {
		name := filepath.Join(sb.marks, e.Name())
		ran, _ := os.ReadFile(name)
		for _, f := range strings.Fields(string(ran)) {
			i, _ := strconv.Atoi(f)
			t.Errorf("input ran as code (%s ran) in %s: %s", e.Name(), cases[i].name, clip(cases[i].code))
		}
		os.Remove(name)
	}
}

// frames splits output at the boundary lines into each case's part.
func frames(out, boundary string) map[string]string {
	m := map[string]string{}
	parts := strings.Split(out, "\n"+boundary+" ")
	for _, p := range parts[1:] {
		if id, body, ok := strings.Cut(p, "\n"); ok {
			m[id] = body
		}
	}
	return m
}

func subst(v string) string { return strings.TrimRight(v, "\n") } // $(...) drops trailing newlines

// shellContexts place one replacement string in every quoting context.
var shellContexts = []struct {
	name     string
	tmpl     string
	want     func(v string) string
	bashOnly bool
	refuse   func(v string) bool // values the context must refuse at expansion
}{
	{"word", `printf '[%s]' {}`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"inside a word", `printf '[%s]' pre{}post`, func(v string) string { return "[pre" + v + "post]" }, false, nil},
	{"two in a word", `printf '[%s]' {}{}`, func(v string) string { return "[" + v + v + "]" }, false, nil},
	{"single quotes", `printf '[%s]' 'pre {} post'`, func(v string) string { return "[pre " + v + " post]" }, false, nil},
	{"double quotes", `printf '[%s]' "pre {} post"`, func(v string) string { return "[pre " + v + " post]" }, false, nil},
	{"ANSI-C quotes", `printf '[%s]' $'pre\t{}post'`, func(v string) string { return "[pre\t" + v + "post]" }, true, nil},
	{"${:-}", `unset x; printf '[%s]' ${x:-{}}`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"\"${:-}\"", `unset x; printf '[%s]' "${x:-{}}"`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"\"$()\"", `printf '[%s]' "$(printf %s {})"`, func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"\"$(\"\")\"", `printf '[%s]' "$(printf %s "{}")"`, func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"$() assignment", `x=$(printf %s {}); printf '[%s]' "$x"`, func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"backquotes", "x=`printf %s {}`; printf '[%s]' \"$x\"", func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"backquotes, single quotes", "x=`printf %s '{}'`; printf '[%s]' \"$x\"", func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"backquotes, double quotes", "x=`printf %s \"{}\"`; printf '[%s]' \"$x\"", func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"\"`...`\"", "printf '[%s]' \"`printf %s {}`\"", func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"\"`'...'`\"", "printf '[%s]' \"`printf %s '{}'`\"", func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"case in $()", `x=$(case a in a) printf %s {};; esac); printf '[%s]' "$x"`, func(v string) string { return "[" + subst(v) + "]" }, false, nil},
	{"assignment", `x={}; printf '[%s]' "$x"`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"for list", `for f in {}; do printf '[%s]' "$f"; done`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"case word", `case {} in *) printf '[%s]' {};; esac`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"after $name", `x=Q; printf '[%s]' $x{}`, func(v string) string { return "[Q" + v + "]" }, false, nil},
	{"after $", `printf '[%s]' ${}`, func(v string) string { return "[$" + v + "]" }, false, nil},
	{"after \"$\"", `printf '[%s]' "${}"`, func(v string) string { return "[$" + v + "]" }, false, nil},
	{"after backslash", `printf '[%s]' \{}`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"after backslash in dq", `printf '[%s]' "\{}"`, func(v string) string { return "[\\" + v + "]" }, false, nil},
	{"after ~", `printf '[%s]' ~{}`, func(v string) string { return "[~" + v + "]" }, false, nil},
	{"before >", `printf '[%s]' {}>"$TMPF"; cat "$TMPF"`, func(v string) string { return "[" + v + "]" }, false, nil},
	{"before 1>", `printf '[%s]' {}1>"$TMPF"; cat "$TMPF"`, func(v string) string { return "[" + v + "1]" }, false, nil},
	{"case pattern", `case esac in {}) printf '[%s]' match;; *) printf '[%s]' {};; esac`, func(v string) string {
		if v == "esac" {
			return "[match]"
		}
		return "[" + v + "]"
	}, false, nil},
	{"literal braces", `printf '[%s]' {{{}}}`, func(v string) string { return "[{" + v + "}]" }, false, nil},
	{"comment", `printf '[%s]' x # {} '`, func(v string) string { return "[x]" }, false, nil},
	{"here-document", "cat <<EOF\n[{}]\nEOF", func(v string) string { return "[" + v + "]\n" }, false,
		func(v string) bool { return strings.Contains(v, "\n") || strings.Contains(v, "EOF") }},
	{"quoted here-document", "cat <<'EOF'\n[{}]\nEOF", func(v string) string { return "[" + v + "]\n" }, false,
		func(v string) bool { return strings.Contains(v, "\n") || strings.Contains(v, "EOF") }},
	{"here-document <<-", "cat <<-EOF\n\t[{}]\n\tEOF\nprintf '[%s]' {}", func(v string) string { return "[" + v + "]\n[" + v + "]" }, false,
		func(v string) bool { return strings.Contains(v, "\n") || strings.Contains(v, "EOF") }},
	{"here-document $()", "cat <<EOF\n$(printf '[%s]' {})\nEOF", func(v string) string { return subst("["+v+"]") + "\n" }, false,
		func(v string) bool { return strings.Contains(v, "\n") || strings.Contains(v, "EOF") }},
}

// contextCase expands context c for value v: the shell case, or ok false
// when the context refuses v (and must).
func contextCase(t testing.TB, ci int, v string) (sc shellCase, ok bool) {
	t.Helper()
	c := shellContexts[ci]
	tp, err := Compile([]string{c.tmpl}, Options{Mode: Shell})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	s, err := tp.String(one(rec(v)))
	if c.refuse != nil && c.refuse(v) {
		if err == nil {
			t.Errorf("%s: %s accepted: %q", c.name, short(v), s)
		}
		return sc, false
	}
	if err != nil {
		t.Errorf("%s: %s: %v", c.name, short(v), err)
		return sc, false
	}
	return shellCase{name: c.name + " with " + short(v), code: s, want: c.want(v), ansi: c.bashOnly}, true
}

// TestShellExactBytes runs every quoting context with every sample value
// through the installed shells: each must print exactly the value's bytes.
func TestShellExactBytes(t *testing.T) {
	var cases []shellCase
	for ci := range shellContexts {
		for _, v := range sample {
			if c, ok := contextCase(t, ci, v); ok {
				cases = append(cases, c)
			}
		}
	}
	runShells(t, cases)
}

// FuzzShellExactBytes checks TestShellExactBytes' property for any value
// in any context. It starts the shells for each input, so its corpus is
// small: the values that broke quoting before.
func FuzzShellExactBytes(f *testing.F) {
	f.Add(uint8(0), "a b; rm -rf ~ $(reboot)")
	sb := newSandbox(f)
	var installed []shell
	var paths []string
	seen := map[string]bool{}
	for _, sh := range shells {
		p, err := exec.LookPath(sh.name)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(p); err != nil || seen[real] {
			continue
		} else {
			seen[real] = true
		}
		installed, paths = append(installed, sh), append(paths, p)
	}
	if len(installed) == 0 {
		f.Skip("no shell installed")
	}
	f.Fuzz(func(t *testing.T, ctx uint8, v string) {
		if strings.IndexByte(v, 0) >= 0 {
			t.Skip("a shell cannot hold a NUL byte")
		}
		c, ok := contextCase(t, int(ctx)%len(shellContexts), v)
		if !ok {
			return
		}
		for i, sh := range installed {
			sb.runBatch(t, sh, paths[i], []shellCase{c})
		}
	})
}

func TestShellArithmetic(t *testing.T) {
	tp := mustCompile(t, []string{`printf '%s' $(( {} + 1 ))`}, Options{Mode: Shell})
	var cases []shellCase
	for v, want := range map[string]string{"41": "42", "-3": "-2", "0": "1"} {
		s, err := tp.String(one(rec(v)))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, shellCase{name: v + " + 1", code: s, want: want})
	}
	runShells(t, cases)
	// Quotes protect nothing in arithmetic ($(( '$(pwned)' )) runs
	// pwned in bash and dash): anything but an integer is refused.
	for _, tmpl := range []string{"echo $(( {} ))", `echo "$(( {} ))"`, "(( {} > 1 ))", "echo $[ {} ]"} {
		tp := mustCompile(t, []string{tmpl}, Options{Mode: Shell})
		for _, v := range hostile {
			if isInteger(v) {
				continue
			}
			if s, err := tp.String(one(rec(v))); err == nil {
				t.Errorf("%s: %q accepted: %q", tmpl, v, s)
			}
		}
	}
}

// TestShellContextReplace runs -X expansions: each repeated word gets one
// record's exact bytes.
func TestShellContextReplace(t *testing.T) {
	var rs []input.Record
	var want strings.Builder
	for _, v := range sample {
		rs = append(rs, rec(v))
		want.WriteString("[pre" + v + "post]")
	}
	want.WriteString("[x]")
	for _, v := range sample {
		want.WriteString("[" + v + "]")
	}
	tp := mustCompile(t, []string{`printf '[%s]' pre{}post x "{}"`}, Options{Mode: Shell, ContextReplace: true})
	s, err := tp.String(&Data{Records: rs, Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []shellCase{{name: "-X words", code: s, want: want.String()}}
	// appended records, in Shell mode
	tp = mustCompile(t, []string{`printf '[%s]'`}, Options{Mode: Shell})
	s, err = tp.String(&Data{Records: rs, Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	want.Reset()
	for _, v := range sample {
		want.WriteString("[" + v + "]")
	}
	cases = append(cases, shellCase{name: "appended records", code: s, want: want.String()})
	runShells(t, cases)
}

// TestExecStringRoundTrip checks that the String of an Exec template,
// run by sh, gets exactly the argv that Argv returns, also when the first
// word looks like an assignment or a keyword.
func TestExecStringRoundTrip(t *testing.T) {
	sb := newSandbox(t)
	names := []string{"A=1", "if", "then", "x y", "it's", "-dash", "tab\tname", "{}", "é"}
	var rs []input.Record
	for _, v := range sample {
		rs = append(rs, rec(v))
	}
	templates := []struct {
		words []string
		opt   Options
		d     *Data
	}{
		{[]string{"printf", "<%s>", "{}", "pre{}post", "{.}", "{//}"}, Options{}, nil},
		{[]string{"printf", "<%s>"}, Options{}, nil},
		{[]string{"printf", "<%s>", "x{}y", "{#}"}, Options{ContextReplace: true}, &Data{Records: rs, Multi: true, Seq: 7}},
		{[]string{"printf", "<%s>", "{}"}, Options{}, &Data{Records: rs, Multi: true}},
	}
	var cases []shellCase
	for _, tc := range templates {
		tp := mustCompile(t, tc.words, tc.opt)
		ds := []*Data{tc.d}
		if tc.d == nil {
			ds = nil
			for _, v := range sample {
				ds = append(ds, one(rec(v)))
			}
		}
		for _, d := range ds {
			argv, err := tp.Argv(d)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for _, a := range argv[2:] {
				want.WriteString("<" + a + ">")
			}
			s, err := tp.String(d)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, shellCase{name: fmt.Sprintf("%q with %s", tc.words, short(d.Records[0].Raw)), code: s, want: want.String()})
		}
	}
	// command names
	tp := mustCompile(t, []string{"{}", "'a b'", "c"}, Options{})
	for _, n := range names {
		sb.stub(t, n)
		s, err := tp.String(one(rec(n)))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, shellCase{name: "command " + short(n), code: s, want: "<" + n + "><a b><c>"})
		if got := JoinArgv([]string{n, "a b", "c"}); got != s {
			t.Errorf("JoinArgv = %q, String = %q", got, s)
		}
	}
	forEachShell(t, func(t *testing.T, sh shell, path string) {
		sb.runBatch(t, sh, path, cases)
	})
}

// TestExecMatchesShell checks that a template without shell syntax gives
// the same arguments whether pmap splits it (Exec) or sh does (Shell).
func TestExecMatchesShell(t *testing.T) {
	templates := [][]string{
		{"printf", "'<%s>'", "{}", "pre{}post", "'{}'", `"{}"`},
		{`printf '<%s>' "a\b{}\c" "\$\"\\\` + "`" + `" 'it'\''s'`},
		{`printf '<%s>' \{} x\ y "q\"q" \a\b\\ a#b {#} '#'`},
		{"printf '<%s>' a\\\nb 'multi\nline' \"dq\nnl\" {}"},
		{`printf '<%s>' {{}} {} }} {{x}} awk'{print $1}' {{`},
		{"printf '<%s>' \"\\\n\" a\rb {}"},
		{`printf '<%s>' a\`},
		{`printf '<%s>'`},
		{"printf", "'<%s>'", "{}", "{/}", "{.}", "x{/.}y"},
	}
	var cases []shellCase
	for _, words := range templates {
		if NeedsShell(words, Options{Named: true}) {
			t.Errorf("NeedsShell(%q) = true", words)
			continue
		}
		ex := mustCompile(t, words, Options{Mode: Exec})
		sh := mustCompile(t, words, Options{Mode: Shell})
		for _, v := range sample {
			d := one(rec(v))
			argv, err := ex.Argv(d)
			if err != nil {
				t.Fatal(err)
			}
			if len(argv) < 2 || argv[0] != "printf" || argv[1] != "<%s>" {
				t.Fatalf("%q: argv %q", words, argv)
			}
			// what printf prints for this argv
			var w strings.Builder
			for _, a := range argv[2:] {
				w.WriteString("<" + a + ">")
			}
			if len(argv) == 2 {
				w.WriteString("<>")
			}
			s, err := sh.String(d)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, shellCase{name: fmt.Sprintf("%q with %s", words, short(v)), code: s, want: w.String()})
		}
	}
	runShells(t, cases)
}

func TestQuoteSh(t *testing.T) {
	var cases []shellCase
	for _, v := range sample {
		cases = append(cases, shellCase{name: "Quote " + short(v), code: "printf '<%s>' " + Quote(v), want: "<" + v + ">"})
	}
	runShells(t, cases)
}
