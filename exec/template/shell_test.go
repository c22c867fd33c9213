package template

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

// hostile are values that must reach the program as exactly these bytes.
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

// sandbox runs shell code with rm, reboot and pwned replaced by commands
// that only leave a mark, HOME pointing to a scratch directory, and fails
// the test if a mark appears: hostile input must never run as code.
type sandbox struct {
	t      *testing.T
	dir    string
	marks  string
	env    []string
	shells []string
}

func newSandbox(t *testing.T) *sandbox {
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
		script := "#!/bin/sh\n: > " + Quote(filepath.Join(marks, name)) + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sb := &sandbox{t: t, dir: dir, marks: marks,
		env: []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + filepath.Join(dir, "home"), "TMPF=" + filepath.Join(dir, "tmpf"), "LC_ALL=C"}}
	seen := map[string]bool{}
	// zsh is left out: it is not a POSIX shell (brace and tilde expansion in
	// places sh leaves alone), and pmap quotes for POSIX sh and bash.
	for _, sh := range []string{"sh", "dash", "bash", "ksh", "mksh", "busybox"} {
		p, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			continue // sh is often dash or bash
		}
		seen[real] = true
		if sh == "busybox" {
			p += " sh"
		}
		sb.shells = append(sb.shells, p)
	}
	if len(sb.shells) == 0 {
		t.Skip("no shell")
	}
	return sb
}

// stub adds an executable named name that prints its name and arguments.
func (sb *sandbox) stub(name string) {
	script := "#!/bin/sh\nprintf '<%s>' " + Quote(name) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(sb.dir, "bin", name), []byte(script), 0o755); err != nil {
		sb.t.Fatal(err)
	}
}

// run runs code with shell sh ("bash" or "/bin/sh -x"...) and returns stdout.
func (sb *sandbox) run(sh, code string) (string, string) {
	sb.t.Helper()
	args := strings.Fields(sh)
	args = append(args, "-c", code)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = sb.env
	cmd.Dir = sb.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run()
	sb.checkMarks(code)
	return out.String(), errb.String()
}

func (sb *sandbox) checkMarks(code string) {
	ents, _ := os.ReadDir(sb.marks)
	for _, e := range ents {
		sb.t.Errorf("input ran as code (%s ran) in: %q", e.Name(), code)
		os.Remove(filepath.Join(sb.marks, e.Name()))
	}
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

func TestShellExactBytes(t *testing.T) {
	sb := newSandbox(t)
	for _, c := range shellContexts {
		tp, err := Compile([]string{c.tmpl}, Options{Mode: Shell})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var want strings.Builder
		var code strings.Builder
		for _, v := range hostile {
			s, err := tp.String(one(rec(v)))
			if c.refuse != nil && c.refuse(v) {
				if err == nil {
					t.Errorf("%s: %q accepted: %q", c.name, v, s)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %q: %v", c.name, v, err)
				continue
			}
			// one script per context: each expansion on its own line,
			// separated by a marker
			code.WriteString(s)
			code.WriteString("\nprintf '\\n--\\n'\n")
			want.WriteString(c.want(v))
			want.WriteString("\n--\n")
		}
		for _, sh := range sb.shells {
			if c.bashOnly && !strings.HasSuffix(sh, "bash") && !strings.HasSuffix(sh, "zsh") && !strings.HasSuffix(sh, "ksh") {
				continue
			}
			got, stderr := sb.run(sh, code.String())
			if got != want.String() {
				gl, wl := strings.Split(got, "\n--\n"), strings.Split(want.String(), "\n--\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Errorf("%s with %s: expansion %d: got %q, want %q (stderr %q)", c.name, sh, i, gl[i], wl[i], stderr)
						break
					}
				}
				if len(gl) != len(wl) {
					t.Errorf("%s with %s: %d outputs, want %d (stderr %q)", c.name, sh, len(gl), len(wl), stderr)
				}
			}
		}
	}
}

func TestShellArithmetic(t *testing.T) {
	sb := newSandbox(t)
	tp := mustCompile(t, []string{`printf '%s' $(( {} + 1 ))`}, Options{Mode: Shell})
	for _, v := range []string{"41", "-3", "0"} {
		s, err := tp.String(one(rec(v)))
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range sb.shells {
			got, _ := sb.run(sh, s)
			if want := map[string]string{"41": "42", "-3": "-2", "0": "1"}[v]; got != want {
				t.Errorf("%s: %q -> %q, want %q", sh, s, got, want)
			}
		}
	}
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
	sb := newSandbox(t)
	var rs []input.Record
	var want strings.Builder
	for _, v := range hostile {
		rs = append(rs, rec(v))
		want.WriteString("[pre" + v + "post]")
	}
	want.WriteString("[x]")
	for _, v := range hostile {
		want.WriteString("[" + v + "]")
	}
	tp := mustCompile(t, []string{`printf '[%s]' pre{}post x "{}"`}, Options{Mode: Shell, ContextReplace: true})
	s, err := tp.String(&Data{Records: rs, Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range sb.shells {
		if got, _ := sb.run(sh, s); got != want.String() {
			t.Errorf("%s: got %q\nwant %q", sh, got, want.String())
		}
	}
	// appended records, in Shell mode
	tp = mustCompile(t, []string{`printf '[%s]'`}, Options{Mode: Shell})
	s, err = tp.String(&Data{Records: rs, Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	want.Reset()
	for _, v := range hostile {
		want.WriteString("[" + v + "]")
	}
	for _, sh := range sb.shells {
		if got, _ := sb.run(sh, s); got != want.String() {
			t.Errorf("append %s: got %q\nwant %q", sh, got, want.String())
		}
	}
}

// TestExecStringRoundTrip checks that the String of an Exec template,
// run by sh, gets exactly the argv that Argv returns, also when the first
// word looks like an assignment or a keyword.
func TestExecStringRoundTrip(t *testing.T) {
	sb := newSandbox(t)
	names := []string{"A=1", "if", "then", "x y", "it's", "-dash", "tab\tname", "{}", "é"}
	for _, n := range names {
		sb.stub(n)
	}
	var rs []input.Record
	for _, v := range hostile {
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
	for _, tc := range templates {
		tp := mustCompile(t, tc.words, tc.opt)
		ds := []*Data{tc.d}
		if tc.d == nil {
			ds = nil
			for _, v := range hostile {
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
			for _, sh := range sb.shells {
				if got, stderr := sb.run(sh, s); got != want.String() {
					t.Errorf("%s: %q: got %q, want %q (%s)", sh, s, got, want.String(), stderr)
				}
			}
		}
	}
	// command names
	tp := mustCompile(t, []string{"{}", "'a b'", "c"}, Options{})
	for _, n := range names {
		s, err := tp.String(one(rec(n)))
		if err != nil {
			t.Fatal(err)
		}
		want := "<" + n + "><a b><c>"
		for _, sh := range sb.shells {
			if got, stderr := sb.run(sh, s); got != want {
				t.Errorf("%s: %q: got %q, want %q (%s)", sh, s, got, want, stderr)
			}
		}
		if got := JoinArgv([]string{n, "a b", "c"}); got != s {
			t.Errorf("JoinArgv = %q, String = %q", got, s)
		}
	}
}

// TestExecMatchesShell checks that a template without shell syntax gives
// the same arguments whether pmap splits it (Exec) or sh does (Shell).
func TestExecMatchesShell(t *testing.T) {
	sb := newSandbox(t)
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
	for _, words := range templates {
		if NeedsShell(words) {
			t.Errorf("NeedsShell(%q) = true", words)
			continue
		}
		ex := mustCompile(t, words, Options{Mode: Exec})
		sh := mustCompile(t, words, Options{Mode: Shell})
		var script strings.Builder
		var want []string
		for _, v := range hostile {
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
			want = append(want, w.String())
			s, err := sh.String(d)
			if err != nil {
				t.Fatal(err)
			}
			script.WriteString(s + "\nprintf '\\n--\\n'\n")
		}
		for _, shell := range sb.shells {
			got, stderr := sb.run(shell, script.String())
			outs := strings.Split(got, "\n--\n")
			if len(outs) != len(want)+1 {
				t.Errorf("%q via %s: %d outputs, want %d (%s)", words, shell, len(outs)-1, len(want), stderr)
				continue
			}
			for i := range want {
				if outs[i] != want[i] {
					t.Errorf("%q with %q via %s: shell gives %q, exec gives %q", words, hostile[i], shell, outs[i], want[i])
				}
			}
		}
	}
}

func TestQuoteSh(t *testing.T) {
	sb := newSandbox(t)
	var code, want strings.Builder
	for _, v := range hostile {
		code.WriteString("printf '<%s>' " + Quote(v) + "\n")
		want.WriteString("<" + v + ">")
	}
	for _, sh := range sb.shells {
		if got, _ := sb.run(sh, code.String()); got != want.String() {
			t.Errorf("%s: got %q, want %q", sh, got, want.String())
		}
	}
}
