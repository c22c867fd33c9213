package template

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pmap-dev/pmap/input"
)

// TestSpreadExec expands {name[]}: one argv word per element, the word
// around it repeated, no word for an empty array.
func TestSpreadExec(t *testing.T) {
	named := Options{Named: true}
	cases := []struct {
		name  string
		words []string
		opt   Options
		d     *Data
		want  []string
	}{
		{"strings", []string{"cmd {tags[]} end"}, named, one(jrec(t, `{"tags":["a","b c"]}`)), []string{"cmd", "a", "b c", "end"}},
		{"nasty values", []string{"cmd {t[]}"}, named, one(jrec(t, `{"t":["it's","$(touch x)","a\nb","","\"q\"","--x"]}`)), []string{"cmd", "it's", "$(touch x)", "a\nb", "", `"q"`, "--x"}},
		{"one", []string{"cmd {t[]}"}, named, one(jrec(t, `{"t":["x"]}`)), []string{"cmd", "x"}},
		{"empty array gives no word", []string{"cmd {t[]} end"}, named, one(jrec(t, `{"t":[]}`)), []string{"cmd", "end"}},
		{"empty array inside a word", []string{"cmd --x={t[]} end"}, named, one(jrec(t, `{"t":[]}`)), []string{"cmd", "end"}},
		{"kinds", []string{"cmd {t[]}"}, named, one(jrec(t, `{"t":[1.50,true,null,{"b":1,"a":[2]},[3,"x"]]}`)), []string{"cmd", "1.50", "true", "null", `{"a":[2],"b":1}`, `[3,"x"]`}},
		{"word repeated", []string{"cmd -I{dirs[]}/inc x"}, named, one(jrec(t, `{"dirs":["a","b"]}`)), []string{"cmd", "-Ia/inc", "-Ib/inc", "x"}},
		{"other values in the word", []string{"cmd {id}:{t[]}:{#}"}, named, one(jrec(t, `{"id":7,"t":["a","b"]}`)), []string{"cmd", "7:a:1", "7:b:1"}},
		{"json path", []string{"cmd {a.b[]}"}, named, one(jrec(t, `{"a":{"b":["x","y"]}}`)), []string{"cmd", "x", "y"}},
		{"modifier per element", []string{"cmd {f/.[]}"}, named, one(jrec(t, `{"f":["d/a.txt","b.c"]}`)), []string{"cmd", "a", "b"}},
		{"quoted word", []string{`cmd "x {t[]}"`}, named, one(jrec(t, `{"t":["a","b"]}`)), []string{"cmd", "x a", "x b"}},
		{"command word", []string{"{cmd[]}"}, named, one(jrec(t, `{"cmd":["printf","%s"]}`)), []string{"printf", "%s"}},
		{"-N joins the records' arrays", []string{"cmd {t[]}"}, named, &Data{Records: []input.Record{jrec(t, `{"t":["a"]}`), jrec(t, `{"t":[]}`), jrec(t, `{"t":["b","c"]}`)}, Multi: true}, []string{"cmd", "a", "b", "c"}},
		{"-X beside a repeated word", []string{"cmd {t[]} x{id}"}, Options{Named: true, ContextReplace: true}, &Data{Records: []input.Record{jrec(t, `{"id":1,"t":["a"]}`), jrec(t, `{"id":2,"t":["b"]}`)}, Multi: true}, []string{"cmd", "a", "b", "x1", "x2"}},
		// Not the form: stays as written.
		{"after $", []string{"cmd ${t[]} {id}"}, named, one(jrec(t, `{"id":1}`)), []string{"cmd", "${t[]}", "1"}},
		{"index", []string{"cmd {t[0]} {id}"}, named, one(jrec(t, `{"id":1}`)), []string{"cmd", "{t[0]}", "1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := argvOf(t, c.words, c.opt, c.d)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Argv(%q) = %q, want %q", c.words, got, c.want)
			}
			// --dry-run's line runs the same argv (TestSpreadShell runs it).
			opt := c.opt
			opt.Mode = Exec
			s, err := mustCompile(t, c.words, opt).String(c.d)
			if err != nil || s != JoinArgv(got) {
				t.Errorf("String = %q, %v; want %q", s, err, JoinArgv(got))
			}
		})
	}
}

// TestSpreadErrors: a field that is not an array fails the job naming the
// field; templates that cannot spread fail to compile.
func TestSpreadErrors(t *testing.T) {
	h := input.NewHeader([]string{"t"})
	for _, c := range []struct {
		d    *Data
		want string
	}{
		{one(jrec(t, `{"t":"a b"}`)), `{t[]}: field "t" is a string, not a JSON array`},
		{one(jrec(t, `{"t":null}`)), `{t[]}: field "t" is null, not a JSON array`},
		{one(jrec(t, `{"t":{"a":1}}`)), `{t[]}: field "t" is an object, not a JSON array`},
		{one(jrec(t, `{"t":3}`)), `{t[]}: field "t" is a number, not a JSON array`},
		{one(hdr(h, "a")), `{t[]}: field "t" is a column of text, not a JSON array`},
		{one(jrec(t, `{}`)), `record has no field "t"`},
		{&Data{Records: []input.Record{jrec(t, `{"t":[]}`), jrec(t, `{"t":1}`)}, Multi: true}, `field "t" is a number`},
	} {
		for _, mode := range []Mode{Exec, Shell} {
			tp := mustCompile(t, []string{"cmd {t[]}"}, Options{Mode: mode, Named: true})
			_, err := tp.Command(c.d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("mode %d: %v, want %q", mode, err, c.want)
			}
			if _, err := tp.String(c.d); err == nil {
				t.Errorf("mode %d: String did not fail", mode)
			}
		}
	}
	tp := mustCompile(t, []string{"{t[]}"}, Options{Named: true})
	if _, err := tp.Argv(one(jrec(t, `{"t":[]}`))); err == nil || !strings.Contains(err.Error(), "empty command") {
		t.Errorf("empty command: %v", err)
	}
	if _, err := tp.Argv(one(input.Record{Raw: "{", Err: errors.New("bad JSON")})); err == nil || err.Error() != "bad JSON" {
		t.Errorf("bad record: %v", err)
	}
	for _, c := range []struct {
		words []string
		opt   Options
		want  string
	}{
		{[]string{"cmd {a[]}{b[]}"}, Options{Named: true}, "a word can spread one array"},
		{[]string{"cmd {[]}"}, Options{Named: true}, "only a named JSON field"},
		{[]string{"cmd {1[]}"}, Options{Named: true}, "only a named JSON field"},
		{[]string{"cmd {V[]}"}, Options{Vars: map[string]string{"V": "x"}}, "--var V is a constant"},
		{[]string{"cmd {t[]}{}"}, Options{Named: true, ContextReplace: true}, "-X repeats per record"},
		{[]string{"cmd {a[]}{b[]}"}, Options{Mode: Shell, Named: true}, "a word can spread one array"},
		{[]string{"cmd {}{t[]}"}, Options{Mode: Shell, Named: true, ContextReplace: true}, "-X repeats per record"},
		{[]string{"cmd {t[]}{}"}, Options{Mode: Shell, Named: true, ContextReplace: true}, "cannot share a word"},
		{[]string{"echo $(echo {t[]})"}, Options{Mode: Shell, Named: true}, "not inside $(...)"},
		{[]string{`echo "$(echo {t[]})"`}, Options{Mode: Shell, Named: true}, "not inside $(...)"},
		{[]string{"echo ${x:-{t[]}}"}, Options{Mode: Shell, Named: true}, "not inside $(...)"},
		{[]string{"echo `echo {t[]}`"}, Options{Mode: Shell, Named: true}, "not inside $(...)"},
		{[]string{"cat <<EOF\n{t[]}\nEOF"}, Options{Mode: Shell, Named: true}, "not inside $(...)"},
		{[]string{"echo > {t[]}"}, Options{Mode: Shell, Named: true}, "redirection's target"},
		{[]string{"{t[]}"}, Options{Mode: Plain, Named: true}, "words of a command only"},
	} {
		_, err := Compile(c.words, c.opt)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, c.want) {
			t.Errorf("Compile(%q) = %v, want %q", c.words, err, c.want)
		}
	}
	if _, err := CompileVars([]string{"echo {t[]}"}, Options{Named: true}); err == nil || !strings.Contains(err.Error(), "inprocess") {
		t.Errorf("CompileVars: %v", err)
	}
}

// TestSpreadShell runs spread words in real shells: each element arrives
// as one argument with exactly its bytes, bare or in quotes, and the Exec
// template's String (--dry-run) runs the same argv.
func TestSpreadShell(t *testing.T) {
	var elems []string
	arr := "["
	for i, v := range sample {
		if v == longValue || !utf8.ValidString(v) {
			continue // JSON strings hold text
		}
		if i > 0 && arr != "[" {
			arr += ","
		}
		b, _ := json.Marshal(v)
		arr += string(b)
		elems = append(elems, v)
	}
	arr += "]"
	d := one(jrec(t, `{"t":`+arr+`,"e":[],"o":["x"]}`))
	want := func(pre, post string) string {
		var b strings.Builder
		for _, v := range elems {
			b.WriteString("[" + pre + v + post + "]")
		}
		return b.String()
	}
	var cases []shellCase
	for _, c := range []struct {
		tmpl string
		want string
	}{
		{"printf '[%s]' {t[]}", want("", "")},
		{`printf '[%s]' "a{t[]}b"`, want("a", "b")},
		{`printf '[%s]' 'a{t[]}b'`, want("a", "b")},
		{`printf '[%s]' $'a{t[]}b'`, want("a", "b")},
		{`printf '[%s]' x{t[]}"y"`, want("x", "y")},
		{"printf '[%s]' {e[]} x", "[x]"},
		{"printf '[%s]' {o[]}", "[x]"},
		{"printf '[%s]' {t[]} | cat", want("", "")},
	} {
		tp := mustCompile(t, []string{c.tmpl}, Options{Mode: Shell, Named: true})
		s, err := tp.String(d)
		if err != nil {
			t.Fatalf("%q: %v", c.tmpl, err)
		}
		cases = append(cases, shellCase{name: c.tmpl, code: s, want: c.want, ansi: strings.Contains(c.tmpl, "$'")})
	}
	tp := mustCompile(t, []string{"printf [%s] {t[]}"}, Options{Named: true})
	s, err := tp.String(d)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, shellCase{name: "exec String", code: s, want: want("", "")})
	runShells(t, cases)
}

// TestSpreadCost checks that -X packing's estimate covers a spread: many
// short elements, each a word of its own with the literal text around it.
func TestSpreadCost(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"t":[`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i % 10))
	}
	b.WriteString(`]}`)
	r := jrec(t, b.String())
	for _, mode := range []Mode{Exec, Shell} {
		tp := mustCompile(t, []string{"cmd --include-dir={t[]}/sub x"}, Options{Mode: mode, Named: true})
		d := &Data{Records: []input.Record{r, r}, Multi: true}
		cost := tp.FixedCost() + 2*tp.RecordCost(&r)
		used := 0
		if mode == Exec {
			argv, err := tp.Argv(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range argv {
				used += len(a) + argOverhead
			}
		} else {
			s, err := tp.String(d)
			if err != nil {
				t.Fatal(err)
			}
			used = len(s) + shellOverhead
		}
		if cost < used {
			t.Errorf("mode %d: estimated %d bytes, the job takes %d", mode, cost, used)
		}
	}
}
