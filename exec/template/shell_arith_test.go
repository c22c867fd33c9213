package template

import (
	"strings"
	"testing"
)

// arithTemplates are bash forms that evaluate the value as arithmetic or
// as a variable name (where a subscript a[$(...)] is arithmetic), whatever
// the quotes around it; {} must never bring code there.
var arithTemplates = []string{
	"for ((i={}; i<1; i++)); do :; done",
	"for((i={};i<1;i++)); do :; done",
	"a[{}]=1", "a[{}]+=1", "a[1+{}]=1", "a['{}']=1", `a["{}"]=1`,
	"a=([{}]=1)", "a=(x [{}]=1)",
	"echo ${a[{}]}", `echo "${a[{}]}"`, "echo ${a['{}']}", "echo ${#a[{}]}", "echo ${a[b[{}]]}",
	"echo ${x:{}}", "echo ${x:1:{}}", "echo ${x:'{}'}", `echo "${x: -{}}"`, "echo ${a[1]:{}}",
	"(( {} ))", "(( '{}' ))", `(( "{}" ))`, "echo $(( '{}' ))", "echo $(( ${x:-{}} ))",
	"[[ {} -eq 1 ]]", "[[ 1 -lt '{}' ]]", `[[ "{}" -ge 1 ]]`, "[[ x == y || {} -ne 1 ]]",
	"let x={}", `let "x={}"`, "let x=1 y={}",
	"declare -i x={}", "local -i x={}", "typeset -ri x={}", "declare -i x; x={}", "declare -i x; x+={}",
	"declare a[{}]=1", "unset a[{}]", "read a[{}] <<<x",
	"read {} <<<x", "unset {}", "declare {}=1", "export {}", "true; printf -v {} x",
	"[[ -v {} ]]", "true; test -v {}", "true; [ -v {} ]",
}

// TestShellArithmeticContexts checks that every bash arithmetic and name
// context refuses a value that is not an integer (or a name), and that the
// templates still run with a good value.
func TestShellArithmeticContexts(t *testing.T) {
	for _, tmpl := range arithTemplates {
		tp := mustCompile(t, []string{tmpl}, Options{Mode: Shell})
		for _, v := range append(hostile, "a[$(touch pwned)]", "x[`pwned`]+1") {
			if isInteger(v) || isName(v) && (strings.Contains(tmpl, "-v") || strings.Contains(tmpl, "read {}") ||
				strings.Contains(tmpl, "unset {}") || strings.Contains(tmpl, "{}=") || strings.Contains(tmpl, "export {}")) {
				continue
			}
			if s, err := tp.String(one(rec(v))); err == nil {
				t.Errorf("%s: %q accepted: %q", tmpl, v, s)
			}
		}
		if _, err := tp.String(one(rec("2"))); err != nil {
			t.Errorf("%s: 2 refused: %v", tmpl, err)
		}
	}
}

// TestShellArithmeticRuns runs the checked contexts in bash with integer
// values: the check must not change what they compute.
func TestShellArithmeticRuns(t *testing.T) {
	cases := []struct{ tmpl, v, want string }{
		{`for ((i={}; i<3; i++)); do printf %s $i; done`, "1", "12"},
		{`a[{}]=x; printf %s "${a[{}]}" ${#a[@]}`, "3", "x1"},
		{`a=([{}]=y); printf %s ${a[{}]}`, "2", "y"},
		{`s=hello; printf %s ${s:{}:2} "${s:0:{}}"`, "1", "elh"},
		{`[[ {} -eq 4 ]] && printf yes`, "4", "yes"},
		{`let x={}*2; declare -i y={}+1; printf %s $x $y`, "5", "106"},
		{`declare -i n; n={}; n+=1; printf %s $n`, "-3", "-2"},
		{`read {} <<<hi; printf %s "$v"`, "v", "hi"},
		{`z=1; [[ -v {} ]] && printf set`, "z", "set"},
	}
	var sc []shellCase
	for _, c := range cases {
		tp := mustCompile(t, []string{c.tmpl}, Options{Mode: Shell})
		s, err := tp.String(one(rec(c.v)))
		if err != nil {
			t.Fatalf("%s: %v", c.tmpl, err)
		}
		sc = append(sc, shellCase{name: c.tmpl, code: s, want: c.want})
	}
	sb := newSandbox(t)
	forEachShell(t, func(t *testing.T, sh shell, path string) {
		if !strings.Contains(path, "bash") {
			t.Skip("bash forms")
		}
		sb.runBatch(t, sh, path, sc)
	})
}

// TestShellNotArithmetic checks that look-alikes outside arithmetic keep
// taking any value.
func TestShellNotArithmetic(t *testing.T) {
	for _, tmpl := range []string{
		"echo a[{}]", `echo "a[{}]"`, "ls x[{}]", "[[ {} == x ]]", "[[ -f {} ]]", "export X={}",
		"echo ${x:-{}}", "echo ${x:={}}", "echo ${x#{}}", "declare -A m; k={}; echo ${m[$k]}",
		"x={}; echo $x", "for f in {}; do echo $f; done", "read -r x <<<{}",
	} {
		tp := mustCompile(t, []string{tmpl}, Options{Mode: Shell})
		if _, err := tp.String(one(rec("a b[$(c)]"))); err != nil {
			t.Errorf("%s: refused: %v", tmpl, err)
		}
	}
}
