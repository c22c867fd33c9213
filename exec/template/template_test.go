package template

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

func rec(raw string) input.Record { return input.Record{Raw: raw} }

func recs(raws ...string) []input.Record {
	out := make([]input.Record, len(raws))
	for i, r := range raws {
		out[i] = rec(r)
	}
	return out
}

// cols is a record split into fields (--colsep), Raw being the fields
// joined by commas.
func cols(fields ...string) input.Record {
	return input.Record{Raw: strings.Join(fields, ","), Fields: fields}
}

// hdr is a --header record.
func hdr(h *input.Header, fields ...string) input.Record {
	r := cols(fields...)
	r.Header = h
	return r
}

// jrec decodes a JSON line the way input does (numbers as json.Number,
// arrays also as Fields).
func jrec(t testing.TB, line string) input.Record {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	r := input.Record{Raw: line, JSON: v}
	if arr, ok := v.([]any); ok {
		for _, item := range arr {
			s, _ := input.Lookup(item, "")
			r.Fields = append(r.Fields, s)
		}
	}
	return r
}

func one(r input.Record) *Data { return &Data{Records: []input.Record{r}, Seq: 1, Slot: 1} }

func mustCompile(t testing.TB, words []string, opt Options) *Template {
	t.Helper()
	tp, err := Compile(words, opt)
	if err != nil {
		t.Fatalf("Compile(%q): %v", words, err)
	}
	return tp
}

func argvOf(t testing.TB, words []string, opt Options, d *Data) []string {
	t.Helper()
	opt.Mode = Exec
	argv, err := mustCompile(t, words, opt).Argv(d)
	if err != nil {
		t.Fatalf("Argv(%q): %v", words, err)
	}
	return argv
}

// GNU parallel 20221122: parallel -q printf '%s|' {} {.} {/} {//} {/.} ::: INPUT
var gnuPaths = []struct{ in, rec, noext, base, dir, baseNoExt string }{
	{"/a/b.c", "/a/b.c", "/a/b", "b.c", "/a", "b"},
	{"b.c", "b.c", "b", "b.c", ".", "b"},
	{"sub.dir/bar", "sub.dir/bar", "sub.dir/bar", "bar", "sub.dir", "bar"},
	{"foo.tar.gz", "foo.tar.gz", "foo.tar", "foo.tar.gz", ".", "foo.tar"},
	{".hidden", ".hidden", "", ".hidden", ".", ""},
	{"/", "/", "/", "", "/", ""},
	{"a/b/", "a/b/", "a/b/", "", "a", ""},
	{"a/", "a/", "a/", "", ".", ""},
	{"./x", "./x", "./x", "x", ".", "x"},
	{"..", "..", ".", "..", ".", "."},
	{"../x.y", "../x.y", "../x", "x.y", "..", "x"},
	{"a//b", "a//b", "a//b", "b", "a", "b"},
	{"x.", "x.", "x", "x.", ".", "x"},
	{"//a", "//a", "//a", "a", "/", "a"},
	{"/a/", "/a/", "/a/", "", "/", ""},
	{"a b.c d", "a b.c d", "a b", "a b.c d", ".", "a b"},
	{"", "", "", "", ".", ""},
	{"dir.x/", "dir.x/", "dir.x/", "", ".", ""},
	{".a.b", ".a.b", ".a", ".a.b", ".", ".a"},
	{"a.b/.c", "a.b/.c", "a.b/", ".c", "a.b", ""},
}

func TestGNUPathTable(t *testing.T) {
	words := []string{"printf", "%s|", "{}", "{.}", "{/}", "{//}", "{/.}"}
	for _, c := range gnuPaths {
		want := []string{"printf", "%s|", c.rec, c.noext, c.base, c.dir, c.baseNoExt}
		if got := argvOf(t, words, Options{}, one(rec(c.in))); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", c.in, got, want)
		}
		// the same modifiers on a field and on a name
		fw := []string{"printf", "%s|", "{2}", "{2.}", "{2/}", "{2//}", "{2/.}"}
		if got := argvOf(t, fw, Options{}, one(cols("x", c.in))); !reflect.DeepEqual(got, want) {
			t.Errorf("field %q: got %q, want %q", c.in, got, want)
		}
		nw := []string{"printf", "%s|", "{f}", "{f.}", "{f/}", "{f//}", "{f/.}"}
		h := input.NewHeader([]string{"x", "f"})
		if got := argvOf(t, nw, Options{Named: true}, one(hdr(h, "x", c.in))); !reflect.DeepEqual(got, want) {
			t.Errorf("name %q: got %q, want %q", c.in, got, want)
		}
	}
}

// TestGNUPathTableLive checks the table above against the installed GNU
// parallel, when there is one.
func TestGNUPathTableLive(t *testing.T) {
	if _, err := exec.LookPath("parallel"); err != nil || testing.Short() {
		t.Skip("GNU parallel not installed")
	}
	args := []string{"--will-cite", "-k", "-q", "printf", "%s|%s|%s|%s|%s\n", "{}", "{.}", "{/}", "{//}", "{/.}", ":::"}
	var want strings.Builder
	for _, c := range gnuPaths {
		if c.in == "" {
			continue // an empty ::: value is covered by the table
		}
		args = append(args, c.in)
		want.WriteString(strings.Join([]string{c.rec, c.noext, c.base, c.dir, c.baseNoExt}, "|") + "\n")
	}
	out, err := exec.Command("parallel", args...).Output()
	if err != nil {
		t.Fatalf("parallel: %v", err)
	}
	if string(out) != want.String() {
		t.Errorf("GNU parallel prints\n%s\ntable says\n%s", out, want.String())
	}
}

func TestExpandExec(t *testing.T) {
	h := input.NewHeader([]string{"name", "file", "a.b"})
	cases := []struct {
		name  string
		words []string
		opt   Options
		d     *Data
		want  []string
	}{
		{"record", []string{"echo", "{}"}, Options{}, one(rec("a b")), []string{"echo", "a b"}},
		{"inside a word", []string{"cp", "{}", "out/{/.}.bak"}, Options{}, one(rec("/x/y.txt")), []string{"cp", "/x/y.txt", "out/y.bak"}},
		{"seq and slot", []string{"echo", "{#}-{%}"}, Options{}, &Data{Records: recs("a"), Seq: 123456, Slot: 7}, []string{"echo", "123456-7"}},
		{"fields", []string{"echo", "{1}", "{2}", "{-1}", "{-2}"}, Options{}, one(cols("a", "b", "c")), []string{"echo", "a", "b", "c", "b"}},
		{"field modifiers", []string{"echo", "{1.}", "{1/}", "{1//}", "{1/.}", "{-1.}"}, Options{}, one(cols("d/f.x", "g.h")), []string{"echo", "d/f", "f.x", "d", "f", "g"}},
		{"plain record has one field", []string{"echo", "{1}", "{-1}"}, Options{}, one(rec("a b")), []string{"echo", "a b", "a b"}},
		{"header names", []string{"echo", "{name}", "{file/.}", "{a.b}"}, Options{Named: true}, one(hdr(h, "n", "/p/q.r", "dotted")), []string{"echo", "n", "q", "dotted"}},
		{"json object", []string{"get", "{url}", "{id}", "{a.b}", "{a.c.0}", "{a.c}", "{t}", "{n}"}, Options{Named: true},
			one(jrec(t, `{"url":"http://x/y z","id":42,"a":{"b":"B","c":[1.50,"x"]},"t":true,"n":null}`)),
			[]string{"get", "http://x/y z", "42", "B", "1.50", `[1.50,"x"]`, "true", "null"}},
		{"json path with modifier", []string{"echo", "{a.b.}", "{a.b/}", "{a.b//}", "{a.b/.}"}, Options{Named: true},
			one(jrec(t, `{"a":{"b":"d/e.f"}}`)), []string{"echo", "d/e", "e.f", "d", "e"}},
		{"json array items", []string{"echo", "{1}", "{2}", "{-1}"}, Options{Named: true}, one(jrec(t, `["a",2,{"k":"v"}]`)), []string{"echo", "a", "2", `{"k":"v"}`}},
		{"var", []string{"echo", "{out}/{}"}, Options{Vars: map[string]string{"out": "/tmp/o"}}, one(rec("f")), []string{"echo", "/tmp/o/f"}},
		{"var modifiers", []string{"echo", "{out/}", "{out//}"}, Options{Vars: map[string]string{"out": "/tmp/o.d"}}, one(rec("f")), []string{"echo", "o.d", "/tmp"}},
		{"record field wins over var", []string{"echo", "{name}"}, Options{Named: true, Vars: map[string]string{"name": "var"}}, one(hdr(h, "field", "", "")), []string{"echo", "field"}},
		{"var when the record lacks it", []string{"echo", "{out}"}, Options{Named: true, Vars: map[string]string{"out": "var"}}, one(hdr(h, "a", "b", "c")), []string{"echo", "var"}},
		{"literal braces", []string{"echo", "{{}}", "{{", "a{{b}}c", "{{{}}}"}, Options{}, one(rec("r")), []string{"echo", "{}", "{", "a{b}c", "{r}"}},
		{"}} alone stays (awk)", []string{"awk", "{if($1){print}}", "{}"}, Options{}, one(rec("f")), []string{"awk", "{if($1){print}}", "f"}},
		{"awk program", []string{"awk", "'{print $1}'", "{}"}, Options{}, one(rec("f")), []string{"awk", "{print $1}", "f"}},
		{"{print} literal without Named", []string{"awk", "{print}", "{}"}, Options{}, one(rec("f")), []string{"awk", "{print}", "f"}},
		{"not replacement strings", []string{"echo", "{ }", "{a b}", "{1x}", "{.x}", "{a..b}", "{-}", "{}"}, Options{}, one(rec("r")),
			[]string{"echo", "{", "}", "{a", "b}", "{1x}", "{.x}", "{a..b}", "{-}", "r"}},
		{"${name} is shell", []string{"echo", "${x}{}"}, Options{Named: true, Vars: map[string]string{"x": "v"}}, one(rec("r")), []string{"echo", "${x}r"}},
		{"${} is a replacement", []string{"echo", "${}"}, Options{}, one(rec("r")), []string{"echo", "$r"}},
		{"quoted placeholder", []string{"echo", `'{}'`, `"{}"`, `\{}`, `"\{}"`}, Options{}, one(rec("a b")), []string{"echo", "a b", "a b", "a b", `\a b`}},
		{"value never splits", []string{"echo", "x{}y"}, Options{}, one(rec(`a "b" 'c' \d`)), []string{"echo", `xa "b" 'c' \dy`}},
		{"POSIX backslashes in double quotes", []string{"echo", `"a\b\$\"\\"`}, Options{}, one(rec("r")), []string{"echo", `a\b$"\`, "r"}},
		{"backslash newline", []string{"echo", "a\\\nb"}, Options{}, one(rec("r")), []string{"echo", "ab", "r"}},
		{"trailing backslash", []string{"echo", `a\`}, Options{}, one(rec("r")), []string{"echo", `a\`, "r"}},
		{"CR is a word byte", []string{"echo", "a\rb"}, Options{}, one(rec("r")), []string{"echo", "a\rb", "r"}},
		{"invalid UTF-8 kept", []string{"echo", "\xff{}\xfe", "'\xc3'"}, Options{}, one(rec("\xe9")), []string{"echo", "\xff\xe9\xfe", "\xc3"}},
		{"plane-16 runes kept", []string{"echo", "\U00100000{}"}, Options{}, one(rec("r")), []string{"echo", "\U00100000r"}},
		{"empty word", []string{"echo", "''", "{}"}, Options{}, one(rec("")), []string{"echo", "", ""}},
		{"comment dropped", []string{"echo", "a", "#", "{}"}, Options{}, one(rec("r")), []string{"echo", "a"}},

		// appending
		{"append", []string{"gzip", "-9"}, Options{}, one(rec("a b")), []string{"gzip", "-9", "a b"}},
		{"append fields", []string{"echo"}, Options{}, one(cols("a", "b c")), []string{"echo", "a", "b c"}},
		{"no append with {#}", []string{"echo", "{#}"}, Options{}, one(rec("a")), []string{"echo", "1"}},
		{"no append with {%}", []string{"echo", "{%}"}, Options{}, one(rec("a")), []string{"echo", "1"}},
		{"no append with a var", []string{"echo", "{v}"}, Options{Vars: map[string]string{"v": "x"}}, one(rec("a")), []string{"echo", "x"}},
		{"NoAppend", []string{"echo"}, Options{NoAppend: true}, one(rec("a")), []string{"echo"}},
		{"append -N", []string{"echo"}, Options{}, &Data{Records: recs("a", "b c"), Multi: true}, []string{"echo", "a", "b c"}},
		{"append -N fields", []string{"echo"}, Options{}, &Data{Records: []input.Record{cols("a", "b"), cols("c", "d")}, Multi: true}, []string{"echo", "a", "b", "c", "d"}},
		{"append -X", []string{"echo"}, Options{ContextReplace: true}, &Data{Records: recs("a", "b"), Multi: true}, []string{"echo", "a", "b"}},

		// -N (Multi)
		{"-N args", []string{"echo", "{1}-{2}"}, Options{}, &Data{Records: recs("1", "2"), Multi: true}, []string{"echo", "1-2"}},
		{"-N missing arg is empty", []string{"echo", "{1}-{2}"}, Options{}, &Data{Records: recs("5"), Multi: true}, []string{"echo", "5-"}},
		{"-N {-1}", []string{"echo", "{-1}", "{3}"}, Options{}, &Data{Records: recs("a.x", "b.y"), Multi: true}, []string{"echo", "b.y", ""}},
		{"-N {} joins", []string{"echo", "{}"}, Options{}, &Data{Records: recs("a", "b c"), Multi: true}, []string{"echo", "a b c"}},
		{"-N modifiers per argument", []string{"echo", "{.}"}, Options{}, &Data{Records: recs("a.x", "b.y"), Multi: true}, []string{"echo", "a b"}},
		{"-N {1.}", []string{"echo", "{1.}", "{2/}"}, Options{}, &Data{Records: recs("a.x", "d/b.y"), Multi: true}, []string{"echo", "a", "b.y"}},
		{"-N names join", []string{"echo", "{id}"}, Options{Named: true}, &Data{Records: []input.Record{jrec(t, `{"id":1}`), jrec(t, `{"id":2}`)}, Multi: true}, []string{"echo", "1 2"}},

		// -X (ContextReplace)
		{"-X repeats the word", []string{"echo", "pre{}post"}, Options{ContextReplace: true}, &Data{Records: recs("1", "2", "3"), Multi: true}, []string{"echo", "pre1post", "pre2post", "pre3post"}},
		{"-X lockstep", []string{"echo", "{}:{.}"}, Options{ContextReplace: true}, &Data{Records: recs("a.1", "b.2"), Multi: true}, []string{"echo", "a.1:a", "b.2:b"}},
		{"-X {1} constant in repeated word", []string{"echo", "pre{1}post{}"}, Options{ContextReplace: true}, &Data{Records: recs("1", "2", "3"), Multi: true}, []string{"echo", "pre1post1", "pre1post2", "pre1post3"}},
		{"-X other words once", []string{"echo", "x{}y", "z", "{#}"}, Options{ContextReplace: true}, &Data{Records: recs("a", "b"), Multi: true, Seq: 4}, []string{"echo", "xay", "xby", "z", "4"}},
		{"-X {1} alone not repeated", []string{"echo", "pre{1}post"}, Options{ContextReplace: true}, &Data{Records: recs("1", "2", "3"), Multi: true}, []string{"echo", "pre1post"}},
		{"-X names repeat", []string{"curl", "-O", "{url}"}, Options{Named: true, ContextReplace: true},
			&Data{Records: []input.Record{jrec(t, `{"url":"u1"}`), jrec(t, `{"url":"u 2"}`)}, Multi: true}, []string{"curl", "-O", "u1", "u 2"}},
		{"-X single record", []string{"echo", "x{}"}, Options{ContextReplace: true}, one(rec("a")), []string{"echo", "xa"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := argvOf(t, c.words, c.opt, c.d)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Argv(%q) = %q, want %q", c.words, got, c.want)
			}
			// String of an Exec template is the same argv, quoted
			opt := c.opt
			opt.Mode = Exec
			tp := mustCompile(t, c.words, opt)
			s, err := tp.String(c.d)
			if err != nil {
				t.Fatal(err)
			}
			if want := JoinArgv(c.want); s != want {
				t.Errorf("String = %q, want %q", s, want)
			}
			b, err := tp.AppendString([]byte("> "), c.d)
			if err != nil || string(b) != "> "+s {
				t.Errorf("AppendString = %q, %v", b, err)
			}
		})
	}
}

// TestGNUCompat holds results observed with GNU parallel 20221122
// (parallel -k --dry-run ...), expanded here in Shell mode.
func TestGNUCompat(t *testing.T) {
	cases := []struct {
		cmd   string // the GNU command, for the record
		words []string
		opt   Options
		d     []*Data
		want  []string
	}{
		{"seq 5 | parallel -N2 echo {1}-{2}", []string{"echo", "{1}-{2}"}, Options{},
			[]*Data{{Records: recs("1", "2"), Multi: true}, {Records: recs("3", "4"), Multi: true}, {Records: recs("5"), Multi: true}},
			[]string{"echo 1-2", "echo 3-4", "echo 5-"}},
		{"parallel -N2 echo {.} ::: a.x b.y c.z", []string{"echo", "{.}"}, Options{},
			[]*Data{{Records: recs("a.x", "b.y"), Multi: true}, {Records: recs("c.z"), Multi: true}},
			[]string{"echo 'a b'", "echo c"}}, // GNU: echo a b (two words); pmap: one argument
		{"parallel -N2 echo ::: a.x b.y c.z", []string{"echo"}, Options{},
			[]*Data{{Records: recs("a.x", "b.y"), Multi: true}, {Records: recs("c.z"), Multi: true}},
			[]string{"echo a.x b.y", "echo c.z"}},
		{"parallel -j1 -X echo pre{}post ::: 1 2 3", []string{"echo", "pre{}post"}, Options{ContextReplace: true},
			[]*Data{{Records: recs("1", "2", "3"), Multi: true}},
			[]string{"echo pre1post pre2post pre3post"}},
		{"parallel -j1 -X echo pre{.}post x{/}y ::: a.1 b.2", []string{"echo", "pre{.}post", "x{/}y"}, Options{ContextReplace: true},
			[]*Data{{Records: recs("a.1", "b.2"), Multi: true}},
			[]string{"echo preapost prebpost xa.1y xb.2y"}},
		{"parallel echo {#} ::: a b", []string{"echo", "{#}"}, Options{},
			[]*Data{{Records: recs("a"), Seq: 1}, {Records: recs("b"), Seq: 2}},
			[]string{"echo 1", "echo 2"}},
		{"parallel --colsep , echo ::: a,b c,d", []string{"echo"}, Options{},
			[]*Data{one(cols("a", "b")), one(cols("c", "d"))},
			[]string{"echo a b", "echo c d"}},
		{"parallel -N2 --colsep , echo ::: a,b c,d e,f", []string{"echo"}, Options{},
			[]*Data{{Records: []input.Record{cols("a", "b"), cols("c", "d")}, Multi: true}, {Records: []input.Record{cols("e", "f")}, Multi: true}},
			[]string{"echo a b c d", "echo e f"}},
		{"parallel echo ::: a b ::: 1 2 (one value per source)", []string{"echo", "{2}", "{1}"}, Options{},
			[]*Data{one(input.Record{Raw: "a 1", Fields: []string{"a", "1"}})},
			[]string{"echo 1 a"}},
		{"parallel awk '{print $1}' ::: a", []string{"awk", "'{print $1}'"}, Options{},
			[]*Data{one(rec("a"))},
			[]string{"awk '{print $1}' a"}},
		{"parallel 'echo a # c' ::: x (GNU appends into the comment)", []string{"echo a # c"}, Options{},
			[]*Data{one(rec("x"))},
			[]string{"echo a x # c"}},
	}
	for _, c := range cases {
		opt := c.opt
		opt.Mode = Shell
		tp := mustCompile(t, c.words, opt)
		for i, d := range c.d {
			got, err := tp.String(d)
			if err != nil || got != c.want[i] {
				t.Errorf("%s: job %d: got %q, %v; want %q", c.cmd, i+1, got, err, c.want[i])
			}
		}
	}
}

func TestExpandShell(t *testing.T) {
	cases := []struct {
		name  string
		words []string
		opt   Options
		d     *Data
		want  string
	}{
		{"bare safe value", []string{"gzip -9 {}"}, Options{}, one(rec("a.txt")), "gzip -9 a.txt"},
		{"quoted value", []string{"gzip -9 {}"}, Options{}, one(rec("a b")), "gzip -9 'a b'"},
		{"single quote", []string{"echo {}"}, Options{}, one(rec("it's")), `echo 'it'\''s'`},
		{"in single quotes", []string{"echo 'x{}y'"}, Options{}, one(rec("it's")), `echo 'xit'\''sy'`},
		{"in double quotes", []string{`echo "x{}y"`}, Options{}, one(rec("$a`b`\"c\\")), "echo \"x\\$a\\`b\\`\\\"c\\\\y\""},
		{"command position quoted", []string{"{} -v"}, Options{}, one(rec("if")), "'if' -v"},
		{"after ; quoted", []string{"true; {}"}, Options{}, one(rec("fi")), "true; 'fi'"},
		{"argument bare", []string{"true; echo {}"}, Options{}, one(rec("fi")), "true; echo fi"},
		{"assignment value", []string{"x={}; echo $x"}, Options{}, one(rec("a")), "x='a'; echo $x"},
		{"= in value quoted", []string{"env {}"}, Options{}, one(rec("A=1")), "env 'A=1'"},
		{"before > quoted", []string{"echo {}>f"}, Options{}, one(rec("2")), "echo '2'>f"},
		{"before 1> quoted", []string{"echo {}1>f"}, Options{}, one(rec("2")), "echo '2'1>f"},
		{"case pattern quoted", []string{"case x in {}) ;; esac"}, Options{}, one(rec("esac")), "case x in 'esac') ;; esac"},
		{"after ~ quoted", []string{"ls ~{}"}, Options{}, one(rec("root")), "ls ~'root'"},
		{"after ~/ bare", []string{"ls ~/{}"}, Options{}, one(rec("x")), "ls ~/x"},
		{"next to literal brace quoted", []string{"echo {{{}}}"}, Options{}, one(rec("1..3")), "echo {'1..3'}"},
		{"after $", []string{"echo ${}"}, Options{}, one(rec("HOME")), `echo \$HOME`},
		{"after $name", []string{"echo $HOME{}"}, Options{}, one(rec("x")), "echo ${HOME}x"},
		{"after $1", []string{"echo $1{}"}, Options{}, one(rec("0")), "echo ${1}0"},
		{"after backslash", []string{`echo \{}`}, Options{}, one(rec("a b")), "echo 'a b'"},
		{"after backslash in dq", []string{`echo "\{}"`}, Options{}, one(rec("$x")), `echo "\\\$x"`},
		{"in $()", []string{"echo $(basename {})"}, Options{}, one(rec("a b")), "echo $(basename 'a b')"},
		{"in \"$()\"", []string{`echo "$(basename {})"`}, Options{}, one(rec("a b")), `echo "$(basename 'a b')"`},
		{"in ${:-}", []string{"echo ${x:-{}}"}, Options{}, one(rec("a}b")), `echo ${x:-"a}b"}`},
		{"in \"${:-}\"", []string{`echo "${x:-{}}"`}, Options{}, one(rec("a}b")), `echo "${x:-"a"\}"b"}"`},
		{"brace expansion in \"${:-}\"", []string{`echo "${x:-{}}"`}, Options{}, one(rec("{a,b}")), `echo "${x:-""{"a","b"\}""}"`},
		{"in \"${:-\"${:-}\"}\"", []string{`echo "${x:-"${y:-{}}"}"`}, Options{}, one(rec("{a,b}")), `echo "${x:-"${y:-"{a,b}"}"}"`},
		{"in $(( ))", []string{"echo $(( {} + 1 ))"}, Options{}, one(rec("41")), "echo $(( 41 + 1 ))"},
		{"in backquotes", []string{"echo `basename {}`"}, Options{}, one(rec("a$b")), "echo `basename 'a\\$b'`"},
		{"in $'...'", []string{"echo $'a{}b'"}, Options{}, one(rec("x'y")), `echo $'a''x'\''y''b'`},
		{"in $'...' before an escape", []string{"echo $'a{}b\\t'"}, Options{}, one(rec("x'y")), `echo $'a''x'\''y'$'b\t'`},
		{"in $'...' plain value", []string{"echo $'a{}b\\t'"}, Options{}, one(rec("x y")), `echo $'ax yb\t'`},
		{"in a comment", []string{"echo a # {}"}, Options{}, one(rec("x\ny")), "echo a # x y"},
		{"here-document", []string{"cat <<EOF\n{}\nEOF"}, Options{}, one(rec("$x`y`\\")), "cat <<EOF\n\\$x\\`y\\`\\\\\nEOF"},
		{"quoted here-document", []string{"cat <<'EOF'\n{}\nEOF"}, Options{}, one(rec("$x")), "cat <<'EOF'\n$x\nEOF"},
		{"append", []string{"echo a"}, Options{}, one(rec("b c")), "echo a 'b c'"},
		{"append before comment", []string{"echo a # c"}, Options{}, one(rec("b")), "echo a b # c"},
		{"append before trailing newline", []string{"echo a\n"}, Options{}, one(rec("b")), "echo a b\n"},
		{"append at command position", []string{"echo a;"}, Options{}, one(rec("b")), "echo a; 'b'"},
		{"append after here-document word", []string{"cat <<EOF\nx\nEOF"}, Options{}, one(rec("f")), "cat <<EOF f\nx\nEOF"},
		{"append fields", []string{"echo"}, Options{}, one(cols("a", "b c")), "echo a 'b c'"},
		{"append after trailing backslash", []string{`echo a\`}, Options{}, one(rec("b")), `echo a\\ b`},
		{"-X shell word", []string{"echo pre{}post x"}, Options{ContextReplace: true}, &Data{Records: recs("1", "2 3"), Multi: true}, "echo pre1post pre'2 3'post x"},
		{"-X quoted word", []string{"echo 'a {} b'"}, Options{ContextReplace: true}, &Data{Records: recs("x", "y'z"), Multi: true}, `echo 'a x b' 'a y'\''z b'`},
		{"-N joined one word", []string{"echo {}"}, Options{}, &Data{Records: recs("a", "b"), Multi: true}, "echo 'a b'"},
		{"{print} without Named", []string{"awk {print} {}"}, Options{}, one(rec("f")), "awk {print} f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.Mode = Shell
			tp := mustCompile(t, c.words, opt)
			got, err := tp.String(c.d)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("String(%q) = %q, want %q", c.words, got, c.want)
			}
			b, err := tp.AppendString(nil, c.d)
			if err != nil || string(b) != got {
				t.Errorf("AppendString = %q, %v", b, err)
			}
			if _, err := tp.Argv(c.d); err == nil {
				t.Error("Argv of a Shell template did not fail")
			}
		})
	}
}

func TestExpandPlain(t *testing.T) {
	h := input.NewHeader([]string{"name"})
	cases := []struct {
		words []string
		opt   Options
		d     *Data
		want  string
	}{
		{[]string{"{}"}, Options{}, one(rec("a b'c")), "a b'c"},
		{[]string{"{#}"}, Options{}, &Data{Seq: 42}, "42"},
		{[]string{"job {#} on {%}: {/.}"}, Options{}, &Data{Records: recs("/x/y.z"), Seq: 3, Slot: 2}, "job 3 on 2: y"},
		{[]string{"{name}", "{{}}"}, Options{Named: true}, one(hdr(h, "n'1")), "n'1 {}"},
		{[]string{"${}", "'{}'"}, Options{}, one(rec("v")), "$v 'v'"},
		{[]string{"no replacement"}, Options{}, one(rec("v")), "no replacement"},
		{[]string{"{}"}, Options{}, &Data{Records: recs("a", "b"), Multi: true}, "a b"},
		{[]string{""}, Options{}, one(rec("v")), ""},
	}
	for _, c := range cases {
		opt := c.opt
		opt.Mode = Plain
		got, err := mustCompile(t, c.words, opt).String(c.d)
		if err != nil || got != c.want {
			t.Errorf("Plain %q = %q, %v; want %q", c.words, got, err, c.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	h := input.NewHeader([]string{"a"})
	bad := errors.New("stdin line 3: invalid JSON")
	cases := []struct {
		name  string
		words []string
		opt   Options
		d     *Data
		want  string
		field bool // errors.Is(err, ErrNoField)
	}{
		{"missing name", []string{"echo", "{url}"}, Options{Named: true}, one(jrec(t, `{"id":1}`)), `record has no field "url"`, true},
		{"missing path", []string{"echo", "{a.b}"}, Options{Named: true}, one(jrec(t, `{"a":{"c":1}}`)), `record has no field "a.b"`, true},
		{"missing column", []string{"echo", "{b}"}, Options{Named: true}, one(hdr(h, "x")), `record has no field "b"`, true},
		{"short row", []string{"echo", "{a}"}, Options{Named: true}, one(input.Record{Raw: "", Fields: []string{}, Header: h}), `record has no field "a"`, true},
		{"number on object", []string{"echo", "{1}"}, Options{Named: true}, one(jrec(t, `{"a":1}`)), "record has no field 1 (it is a JSON object; use {name})", true},
		{"missing name in -N", []string{"echo", "{id}"}, Options{Named: true}, &Data{Records: []input.Record{jrec(t, `{"id":1}`), jrec(t, `{}`)}, Multi: true}, `record has no field "id"`, true},
		{"bad record", []string{"echo", "{}"}, Options{}, one(input.Record{Raw: "{", Err: bad}), bad.Error(), false},
		{"bad record appended", []string{"echo"}, Options{}, one(input.Record{Raw: "{", Err: bad}), bad.Error(), false},
	}
	for _, c := range cases {
		for _, mode := range []Mode{Exec, Shell, Plain} {
			opt := c.opt
			opt.Mode = mode
			if mode == Plain && c.name == "bad record appended" {
				continue
			}
			tp := mustCompile(t, c.words, opt)
			_, err := tp.String(c.d)
			if err == nil || err.Error() != c.want {
				t.Errorf("%s (mode %d): String error %v, want %q", c.name, mode, err, c.want)
			}
			if c.field && !errors.Is(err, ErrNoField) {
				t.Errorf("%s: %v is not ErrNoField", c.name, err)
			}
			if !c.field && !errors.Is(err, bad) {
				t.Errorf("%s: %v does not wrap the record's error", c.name, err)
			}
			if b, err := tp.AppendString([]byte("keep"), c.d); err == nil || string(b) != "keep" {
				t.Errorf("%s: AppendString = %q, %v", c.name, b, err)
			}
			if mode == Exec {
				if _, err := tp.Argv(c.d); err == nil || err.Error() != c.want {
					t.Errorf("%s: Argv error %v, want %q", c.name, err, c.want)
				}
			}
		}
	}
	// {#} and vars need no record, even a malformed one
	tp := mustCompile(t, []string{"{#}-{v}"}, Options{Mode: Plain, Vars: map[string]string{"v": "x"}})
	if s, err := tp.String(&Data{Records: []input.Record{{Err: bad}}, Seq: 9}); err != nil || s != "9-x" {
		t.Errorf("key of a bad record = %q, %v", s, err)
	}
	// here-documents refuse values that could end them
	tp = mustCompile(t, []string{"cat <<EOF\n{}\nEOF"}, Options{Mode: Shell})
	for _, v := range []string{"a\nb", "xEOFx"} {
		if _, err := tp.String(one(rec(v))); err == nil {
			t.Errorf("here-document accepted %q", v)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		words []string
		mode  Mode
		want  string
	}{
		{[]string{"echo", "{0}"}, Exec, "template column 6: field number 0 is not valid; fields start at 1"},
		{[]string{"echo", "x{0}"}, Shell, "template column 7: field number 0 is not valid; fields start at 1"},
		{[]string{"echo", "{-0/}"}, Plain, "template column 6: field number -0 is not valid; fields start at 1"},
		{[]string{"échö", "{99999999999}"}, Exec, "template column 6: field number 99999999999 is too large"},
		{[]string{"echo", "'abc"}, Exec, "template column 6: unterminated single quote"},
		{[]string{"echo", `"abc`}, Exec, "template column 6: unterminated double quote"},
		{[]string{"echo", "'abc"}, Shell, "template column 6: unterminated single quote"},
		{[]string{"echo", `"a'bc`}, Shell, "template column 6: unterminated double quote"},
		{[]string{"echo", "$(ls"}, Shell, "template column 6: unterminated $("},
		{[]string{"echo", "${x"}, Shell, "template column 6: unterminated ${"},
		{[]string{"echo", "`ls"}, Shell, "template column 6: unterminated backquote"},
		{[]string{"echo", "$((1"}, Shell, "template column 6: unterminated arithmetic (( or $(("},
		{[]string{"echo `a \\`b {}\\``"}, Shell, "template column 9: nested or quoted backquotes cannot hold replacement strings safely; use $(...)"},
		{[]string{"echo `a \\{}`"}, Shell, "template column 9: a backslash before a replacement string inside backquotes is ambiguous; use $(...)"},
		{[]string{""}, Exec, "template: empty command"},
		{[]string{"# just a comment"}, Exec, "template: empty command"},
		{[]string{" "}, Shell, "template: empty command"},
		{nil, Exec, "template: empty command"},
	}
	for _, c := range cases {
		_, err := Compile(c.words, Options{Mode: c.mode})
		if err == nil || err.Error() != c.want {
			t.Errorf("Compile(%q, %d) = %v, want %q", c.words, c.mode, err, c.want)
		}
		// the column is a field too, for callers that point at it
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("Compile(%q): %T is not an *Error", c.words, err)
			continue
		}
		col := 0
		fmt.Sscanf(c.want, "template column %d:", &col)
		if te.Column != col {
			t.Errorf("Compile(%q): Column %d, message says %d", c.words, te.Column, col)
		}
	}
	if _, err := Compile([]string{"x"}, Options{Mode: Mode(9)}); err == nil {
		t.Error("unknown mode accepted")
	}
}

func TestHasReplacement(t *testing.T) {
	cases := []struct {
		words []string
		opt   Options
		want  bool
	}{
		{[]string{"echo"}, Options{}, false},
		{[]string{"echo {}"}, Options{}, true},
		{[]string{"echo {#}"}, Options{}, true},
		{[]string{"echo {%}"}, Options{}, true},
		{[]string{"echo {{}}"}, Options{}, false},
		{[]string{"awk '{print $1}'"}, Options{}, false},
		{[]string{"echo {name}"}, Options{Named: true}, true},
		{[]string{"echo {name}"}, Options{Vars: map[string]string{"name": ""}}, true},
	}
	for _, c := range cases {
		for _, m := range []Mode{Exec, Shell, Plain} {
			opt := c.opt
			opt.Mode = m
			if got := mustCompile(t, c.words, opt).HasReplacement(); got != c.want {
				t.Errorf("HasReplacement(%q, mode %d) = %v", c.words, m, got)
			}
		}
	}
}

func TestNeedsShell(t *testing.T) {
	cases := []struct {
		words []string
		want  bool
	}{
		{[]string{"gzip", "-9", "{}"}, false},
		{[]string{"convert {} -resize 50% thumbs/{/.}.png"}, false},
		{[]string{"awk", "'{print $1}'", "{}"}, false},
		{[]string{`echo "a b" 'c|d' \; \$x`}, false},
		{[]string{"echo", "{#}", "{%}", "{1}", "{-1/.}", "{a.b}"}, false},
		{[]string{"echo {} # not a comment: {#}"}, true},
		{[]string{"echo a#b"}, false},
		{[]string{"echo 'multi\nline'"}, false},
		{[]string{"x=~ a=b"}, true},
		{[]string{"echo", "a=b"}, false},
		{[]string{"echo a | wc"}, true},
		{[]string{"a && b"}, true},
		{[]string{"a; b"}, true},
		{[]string{"a > f"}, true},
		{[]string{"a < f"}, true},
		{[]string{"(a)"}, true},
		{[]string{"echo $HOME"}, true},
		{[]string{`echo "$HOME"`}, true},
		{[]string{`echo '$HOME'`}, false},
		{[]string{"echo `date`"}, true},
		{[]string{"echo a\nb"}, true},
		{[]string{"ls *.go"}, true},
		{[]string{"ls ?.go"}, true},
		{[]string{"ls [ab].go"}, true},
		{[]string{"ls '*.go'"}, false},
		{[]string{"ls ~/x"}, true},
		{[]string{"ls a~b"}, false},
		{[]string{"# comment"}, true},
		{[]string{"FOO=1 cmd {}"}, true},
		{[]string{"if true; then x; fi"}, true},
		{[]string{"cd", "/tmp"}, true},
		{[]string{"export", "A=1"}, true},
		{[]string{"source", "x"}, true},
		{[]string{".", "x"}, true},
		{[]string{"exit", "1"}, true},
		{[]string{"{", "a", "}"}, true},
		{[]string{"!", "x"}, true},
		{[]string{"time", "x"}, true},
		{[]string{"echo", "if"}, false},
		{[]string{"'if'", "x"}, false},
		{[]string{"{}", "arg"}, false},
		{[]string{"echo", "${x}"}, true},
		{[]string{"echo", `\*`}, false},
		{[]string{"echo", "{{"}, false},
	}
	for _, c := range cases {
		if got := NeedsShell(c.words, Options{Named: true}); got != c.want {
			t.Errorf("NeedsShell(%q) = %v, want %v", c.words, got, c.want)
		}
	}
}

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "''"},
		{"abc", "abc"},
		{"a/b.c-d_e@f%g+h=i:j,k", "a/b.c-d_e@f%g+h=i:j,k"},
		{"-n", "-n"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"$x", "'$x'"},
		{"~", "'~'"},
		{"*", "'*'"},
		{"a\nb", "'a\nb'"},
		{"é", "'é'"},
		{`\`, `'\'`},
	}
	for _, c := range cases {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := string(AppendQuote([]byte("x"), c.in)); got != "x"+c.want {
			t.Errorf("AppendQuote(%q) = %q", c.in, got)
		}
	}
	if got := JoinArgv([]string{"A=1", "if", "B=2"}); got != "'A=1' if B=2" {
		t.Errorf("JoinArgv = %q", got)
	}
	if got := JoinArgv([]string{"then"}); got != "'then'" {
		t.Errorf("JoinArgv = %q", got)
	}
}

func TestCost(t *testing.T) {
	r := rec("abcdef")
	tp := mustCompile(t, []string{"echo", "pre{}post", "{#}"}, Options{ContextReplace: true})
	if got, want := tp.FixedCost(), len("echo")+9+20+9; got != want {
		t.Errorf("FixedCost = %d, want %d", got, want)
	}
	if got, want := tp.RecordCost(&r), len("prepost")+len("abcdef")+9; got != want {
		t.Errorf("RecordCost = %d, want %d", got, want)
	}
	tp = mustCompile(t, []string{"echo"}, Options{ContextReplace: true})
	f := cols("ab", "c")
	if got, want := tp.RecordCost(&f), 2+9+1+9; got != want {
		t.Errorf("RecordCost append = %d, want %d", got, want)
	}
	// the estimate must cover the real argv
	for _, words := range [][]string{{"echo", "x{}y", "{}"}, {"echo"}, {"echo", "{.}", "{1}"}} {
		tp := mustCompile(t, words, Options{ContextReplace: true})
		d := &Data{Records: recs("a b", "c'd", "", "/x/y.z"), Multi: true}
		argv, err := tp.Argv(d)
		if err != nil {
			t.Fatal(err)
		}
		real := 0
		for _, a := range argv {
			real += len(a) + 9
		}
		est := tp.FixedCost()
		for i := range d.Records {
			est += tp.RecordCost(&d.Records[i])
		}
		if est < real {
			t.Errorf("%q: estimate %d < real %d", words, est, real)
		}
	}
	sh := mustCompile(t, []string{"echo {} | cat"}, Options{Mode: Shell, ContextReplace: true})
	if sh.FixedCost() <= len("echo  | cat") || sh.RecordCost(&r) < len("'abcdef'") {
		t.Errorf("shell costs %d %d too small", sh.FixedCost(), sh.RecordCost(&r))
	}
}

// TestArgvAllocs checks the allocation budget: Argv allocates the slice and
// one string for all the expanded words; String allocates once.
func TestArgvAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	tp := mustCompile(t, []string{"gzip", "-9", "-c", "{}", "-o", "out/{/.}.gz"}, Options{})
	d := &Data{Records: recs("/data/logs/app.log"), Seq: 123456, Slot: 3}
	if n := testing.AllocsPerRun(100, func() { _, _ = tp.Argv(d) }); n != 2 {
		t.Errorf("Argv allocs = %v, want 2", n)
	}
	x3 := mustCompile(t, []string{"echo", "x{}y"}, Options{ContextReplace: true})
	m3 := &Data{Records: recs("a", "b", "c"), Multi: true}
	if n := testing.AllocsPerRun(100, func() { _, _ = x3.Argv(m3) }); n != 2 {
		t.Errorf("-X Argv allocs = %v, want 2", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = tp.String(d) }); n != 1 {
		t.Errorf("String allocs = %v, want 1", n)
	}
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { _, _ = tp.AppendString(buf[:0], d) }); n != 0 {
		t.Errorf("AppendString allocs = %v, want 0", n)
	}
	sh := mustCompile(t, []string{"gzip -9 < {} > out/{/.}.gz; echo {#} {%} \"{}\""}, Options{Mode: Shell})
	if n := testing.AllocsPerRun(100, func() { _, _ = sh.String(d) }); n != 1 {
		t.Errorf("shell String allocs = %v, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = sh.AppendString(buf[:0], d) }); n != 0 {
		t.Errorf("shell AppendString allocs = %v, want 0", n)
	}
	m := &Data{Records: recs("a", "b", "c"), Multi: true}
	x := mustCompile(t, []string{"echo", "{}", "x{}y"}, Options{ContextReplace: true})
	if n := testing.AllocsPerRun(100, func() { _, _ = x.AppendString(buf[:0], m) }); n != 0 {
		t.Errorf("-X AppendString allocs = %v, want 0", n)
	}
	lit := mustCompile(t, []string{"true"}, Options{NoAppend: true})
	argv, _ := lit.Argv(d)
	if !slices.Equal(argv, []string{"true"}) {
		t.Errorf("literal argv %q", argv)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = lit.Argv(d) }); n != 1 {
		t.Errorf("literal Argv allocs = %v, want 1", n)
	}
}

// TestConcurrent uses one template from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	ex := mustCompile(t, []string{"echo", "{}", "{#}", "x{/.}"}, Options{})
	sh := mustCompile(t, []string{"echo {} {#} | cat"}, Options{Mode: Shell})
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			var buf []byte
			for i := range 200 {
				d := &Data{Records: recs("a b/c.d"), Seq: int64(g*1000 + i)}
				argv, err := ex.Argv(d)
				if err != nil || argv[2] != strconv.Itoa(g*1000+i) {
					t.Errorf("argv %q, %v", argv, err)
					return
				}
				s, err := sh.String(d)
				if err != nil || s != "echo 'a b/c.d' "+strconv.Itoa(g*1000+i)+" | cat" {
					t.Errorf("string %q, %v", s, err)
					return
				}
				buf, _ = ex.AppendString(buf[:0], d)
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func TestHostPlaceholder(t *testing.T) {
	tm, err := Compile([]string{"echo {host} {}"}, Options{Mode: Exec, Remote: true})
	if err != nil {
		t.Fatal(err)
	}
	argv, err := tm.Argv(&Data{Records: []input.Record{{Raw: "x"}}, Host: "h1"})
	if err != nil || strings.Join(argv, ",") != "echo,h1,x" {
		t.Fatalf("%q %v", argv, err)
	}
	// Without --ssh, {host} is an ordinary name: a field with --header or
	// --json, refused (with a hint) without named fields.
	if _, err = Compile([]string{"echo {host}"}, Options{Mode: Exec, NoAppend: true, Named: true}); err != nil {
		t.Fatal(err)
	}
	if _, err = Compile([]string{"echo {host}"}, Options{Mode: Exec, NoAppend: true}); err == nil || !strings.Contains(err.(*Error).Hint, "--ssh") {
		t.Fatalf("{host} without --ssh or fields: %v", err)
	}
}

// TestNoAliasing checks that what an expansion returns owns its bytes: two
// results stay intact however many expansions follow, in this goroutine
// and in others, which share the pooled buffers (run with -race, which
// also reports a buffer written while a result still points into it).
func TestNoAliasing(t *testing.T) {
	ex := mustCompile(t, []string{"echo", "{}", "x{/.}y", "{#}", "lit"}, Options{})
	xx := mustCompile(t, []string{"echo", "<{}>", "{#}"}, Options{ContextReplace: true})
	sh := mustCompile(t, []string{"echo {} \"{#}\" 'q{}'"}, Options{Mode: Shell})
	pl := mustCompile(t, []string{"{#}:{}"}, Options{Mode: Plain})
	vars, err := CompileVars([]string{"echo {#} {} {}"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	value := func(g, i, n int) string { return fmt.Sprintf("g%d i%d n%d it's.x", g, i, n) }
	data := func(g, i, n int) *Data {
		return &Data{Records: recs(value(g, i, n), "b"+value(g, i, n)), Multi: n%2 == 0, Seq: int64(n)}
	}
	// kept is every result of one round, with what it must still be.
	type kept struct{ got, want []string }
	round := func(g, i, n int) []kept {
		d, v, seq := data(g, i, n), value(g, i, n), strconv.Itoa(n)
		if d.Multi {
			v = v + " b" + v // -N: {} joins the records
		}
		var out []kept
		argv, err1 := ex.Argv(d)
		out = append(out, kept{argv, []string{"echo", v, "x" + strings.ReplaceAll(v, ".x", "") + "y", seq, "lit"}})
		xargv, err2 := xx.Argv(d)
		xwant := []string{"echo", "<" + value(g, i, n) + ">"}
		if d.Multi {
			xwant = append(xwant, "<b"+value(g, i, n)+">")
		}
		out = append(out, kept{xargv, append(xwant, seq)})
		es, err3 := ex.String(d)
		out = append(out, kept{[]string{es}, []string{JoinArgv(out[0].want)}})
		ss, err4 := sh.String(d)
		out = append(out, kept{[]string{ss}, []string{"echo " + Quote(v) + ` "` + seq + `" 'q` + strings.ReplaceAll(v, "'", `'\''`) + `'`}})
		ps, err5 := pl.String(d)
		out = append(out, kept{[]string{ps}, []string{seq + ":" + v}})
		var vs Values
		err6 := vars.Fill(&vs, d)
		var filled []string
		for k := range vs.Len() {
			s, _, _ := vs.Get(k)
			filled = append(filled, s)
		}
		out = append(out, kept{filled, []string{seq, v, v}})
		for _, err := range []error{err1, err2, err3, err4, err5, err6} {
			if err != nil {
				t.Error(err)
			}
		}
		return out
	}
	check := func(what string, ks []kept) bool {
		for _, k := range ks {
			if !slices.Equal(k.got, k.want) {
				t.Errorf("%s: %q, want %q", what, k.got, k.want)
				return false
			}
		}
		return true
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				first, second := round(g, i, 1), round(g, i, 2)
				round(g, i, 3)
				if !check("first", first) || !check("second", second) {
					return
				}
			}
		})
	}
	wg.Wait()
}
