package template

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

// TestDefaultExec expands {name:-VALUE} into argv: the default stands in
// for a field that is missing, JSON null or empty, and only for those.
func TestDefaultExec(t *testing.T) {
	h := input.NewHeader([]string{"a", "b"})
	named := Options{Named: true}
	cases := []struct {
		name  string
		words []string
		opt   Options
		d     *Data
		want  []string
	}{
		{"present", []string{"cmd {flag:--v}"}, named, one(jrec(t, `{"flag":"-q"}`)), []string{"cmd", "-q"}},
		{"missing", []string{"cmd {flag:--v}"}, named, one(jrec(t, `{}`)), []string{"cmd", "-v"}},
		{"null", []string{"cmd {flag:-x}"}, named, one(jrec(t, `{"flag":null}`)), []string{"cmd", "x"}},
		{"empty", []string{"cmd {flag:-x}"}, named, one(jrec(t, `{"flag":""}`)), []string{"cmd", "x"}},
		{"zero is a value", []string{"cmd {n:-5}"}, named, one(jrec(t, `{"n":0}`)), []string{"cmd", "0"}},
		{"false is a value", []string{"cmd {n:-5}"}, named, one(jrec(t, `{"n":false}`)), []string{"cmd", "false"}},
		{"empty array is a value", []string{"cmd {n:-5}"}, named, one(jrec(t, `{"n":[]}`)), []string{"cmd", "[]"}},
		{"empty default", []string{"cmd {flag:-} end"}, named, one(jrec(t, `{}`)), []string{"cmd", "", "end"}},
		{"json path", []string{"cmd {a.b:-x}"}, named, one(jrec(t, `{"a":{"c":1}}`)), []string{"cmd", "x"}},
		{"json path present", []string{"cmd {a.b:-x}"}, named, one(jrec(t, `{"a":{"b":[1,2]}}`)), []string{"cmd", "[1,2]"}},
		{"array index", []string{"cmd {a.3:-x}"}, named, one(jrec(t, `{"a":[1]}`)), []string{"cmd", "x"}},
		{"inside a word", []string{"cmd --level={lvl:-3}.log"}, named, one(jrec(t, `{}`)), []string{"cmd", "--level=3.log"}},
		{"spaces and quotes stay literal", []string{`cmd {msg:-it's a "b" $(x)}`}, named, one(jrec(t, `{}`)), []string{"cmd", `it's a "b" $(x)`}},
		{"default with :- inside", []string{"cmd {a:-b:-c}"}, named, one(jrec(t, `{}`)), []string{"cmd", "b:-c"}},
		{"modifier on the value", []string{"cmd {f/.:-none}"}, named, one(jrec(t, `{"f":"d/x.txt"}`)), []string{"cmd", "x"}},
		{"modifier not on the default", []string{"cmd {f/.:-a/b.c}"}, named, one(jrec(t, `{}`)), []string{"cmd", "a/b.c"}},
		{"header column empty", []string{"cmd {b:-x}"}, named, one(hdr(h, "1", "")), []string{"cmd", "x"}},
		{"header column missing", []string{"cmd {b:-x}"}, named, one(hdr(h, "1")), []string{"cmd", "x"}},
		{"field number", []string{"cmd {3:-x} {1:-y}"}, Options{}, one(cols("a", "b")), []string{"cmd", "x", "a"}},
		{"empty field number", []string{"cmd {2:-x}"}, Options{}, one(cols("a", "")), []string{"cmd", "x"}},
		{"-N missing argument", []string{"cmd {1:-x} {2:-y}"}, Options{}, &Data{Records: recs("a"), Multi: true}, []string{"cmd", "a", "y"}},
		{"-N per record", []string{"cmd {f:-x}"}, named, &Data{Records: []input.Record{jrec(t, `{"f":"a"}`), jrec(t, `{}`)}, Multi: true}, []string{"cmd", "a x"}},
		{"-X per record", []string{"cmd -f{f:-x}"}, Options{Named: true, ContextReplace: true}, &Data{Records: []input.Record{jrec(t, `{}`), jrec(t, `{"f":"b"}`)}, Multi: true}, []string{"cmd", "-fx", "-fb"}},
		{"record wins over var", []string{"cmd {V:-x}"}, Options{Named: true, Vars: map[string]string{"V": "v"}}, one(jrec(t, `{"V":"r"}`)), []string{"cmd", "r"}},
		{"var when no field", []string{"cmd {V:-x}"}, Options{Named: true, Vars: map[string]string{"V": "v"}}, one(jrec(t, `{}`)), []string{"cmd", "v"}},
		{"empty var", []string{"cmd {V:-x}"}, Options{Vars: map[string]string{"V": ""}}, one(rec("r")), []string{"cmd", "x"}},
		// Not the form: these stay as they were.
		{"shell ${x:-y}", []string{"cmd ${flag:-x} {}"}, named, one(jrec(t, `{"flag":"f"}`)), []string{"cmd", "${flag:-x}", `{"flag":"f"}`}},
		{"shell ${1:-y}", []string{"cmd ${1:-x} {}"}, named, one(rec("r")), []string{"cmd", "${1:-x}", "r"}},
		{"GNU {:-x} on the record", []string{"cmd {:-x} {/.:-y}"}, Options{}, one(rec("")), []string{"cmd", "x", "y"}},
		{"GNU {:-x} on a set record", []string{"cmd {:-x}"}, Options{}, one(rec("r")), []string{"cmd", "r"}},
		{"brace in value", []string{"cmd {a:-{x}"}, named, one(jrec(t, `{"x":"1"}`)), []string{"cmd", "{a:-1"}},
		{"unclosed", []string{"cmd {a:-x"}, named, one(jrec(t, `{}`)), []string{"cmd", "{a:-x", `{}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := argvOf(t, c.words, c.opt, c.d)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Argv(%q) = %q, want %q", c.words, got, c.want)
			}
		})
	}
}

// TestDefaultErrors: without a default a missing field still fails the
// job, and a default only applies to fields.
func TestDefaultErrors(t *testing.T) {
	tp := mustCompile(t, []string{"cmd {flag}"}, Options{Named: true})
	if _, err := tp.Argv(one(jrec(t, `{}`))); !errors.Is(err, ErrNoField) {
		t.Errorf("missing field without default: %v", err)
	}
	bad := errors.New("stdin line 1: invalid JSON")
	tp = mustCompile(t, []string{"cmd {flag:-x}"}, Options{Named: true})
	if _, err := tp.Argv(one(input.Record{Raw: "{", Err: bad})); !errors.Is(err, bad) {
		t.Errorf("bad record with default: %v, want the record's error", err)
	}
	for _, tmpl := range []string{"cmd {#:-x}", "cmd {%:-x}"} {
		_, err := Compile([]string{tmpl}, Options{Named: true})
		var e *Error
		if !errors.As(err, &e) || e.Column != 5 || !strings.Contains(e.Msg, "default") {
			t.Errorf("Compile(%q) = %v, want an error at column 5 about the default", tmpl, err)
		}
	}
}

// TestDefaultShell checks that a default is quoted like any value in every
// context, by running the expansions in real shells.
func TestDefaultShell(t *testing.T) {
	var cases []shellCase
	for i, v := range sample {
		if strings.ContainsAny(v, "{}\n") {
			continue // a default cannot hold these
		}
		for j, tmpl := range []string{
			"printf '[%s]' {f:-" + v + "}",
			`printf '[%s]' "x{f:-` + v + `}y"`,
			"printf '[%s]' 'x{f:-" + v + "}y'",
			"printf '[%s]' $(printf '%s' x{f:-" + v + "}y)",
		} {
			tp := mustCompile(t, []string{tmpl}, Options{Mode: Shell, Named: true})
			s, err := tp.String(one(jrec(t, `{"f":null}`)))
			if err != nil {
				t.Fatalf("%q: %v", tmpl, err)
			}
			want := "[" + v + "]"
			switch j {
			case 1, 2:
				want = "[x" + v + "y]"
			case 3:
				if strings.ContainsAny(v, " \t*?[") {
					continue // word splitting and globbing of $(...) are the shell's
				}
				want = "[x" + v + "y]"
			}
			cases = append(cases, shellCase{name: strconv.Itoa(i) + "/" + strconv.Itoa(j), code: s, want: want})
		}
	}
	runShells(t, cases)
}
