package template

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

// TestRefused checks that GNU-shaped brace groups pmap does not have, and
// a {word} that names no field, are compile errors at the group's column
// with a hint, in every mode, while other brace groups stay as written.
func TestRefused(t *testing.T) {
	cases := []struct {
		tmpl string
		opt  Options
		col  int
		msg  string // in Msg
		hint string // in Hint
	}{
		{"echo {= s/a/b/ =}", Options{}, 6, "perl expressions", "--backend shell"},
		{"echo {=s/a/b/=} x", Options{}, 6, "perl expressions", "{.}"},
		{"echo {nmae}", Options{}, 6, "no named fields", "{{nmae}}"},
		{"echo {nmae}", Options{Vars: map[string]string{"name": "x"}}, 6, "no named fields", "did you mean {name}?"},
		{"echo {a.b/.}", Options{}, 6, "no such field", "--header"},
		{"echo {nmae:-x}", Options{}, 6, "no such field", "{{nmae:-x}}"},
		{"echo {t[]}", Options{}, 6, "no such field", "{{t[]}}"},
		{"echo {:a}", Options{}, 6, "--plus", "{+.}"},
		{"echo {:1:}", Options{}, 6, "--plus", ""},
		{"echo {#x}", Options{}, 6, "--plus", ""},
		{"echo {%x}", Options{}, 6, "--plus", ""},
		{"echo {0#} {}", Options{}, 6, "number of jobs) is not available here", ""},
		{"echo {0%}", Options{}, 6, "--plus", ""},
		{"echo {/a/b}", Options{}, 6, "--plus", ""},
		{"echo {slot}", Options{}, 6, "not a pmap replacement string", "{%}"},
		{"echo {host}", Options{}, 6, "not a pmap replacement string", "--ssh"},
		{"x; echo {nmae}", Options{Mode: Shell}, 9, "no named fields", ""},
		{"[{nmae}]", Options{Mode: Plain}, 2, "no named fields", ""},
		{"echo [{1\n}]", Options{}, 7, "white space inside a replacement string (GNU parallel reads it as {1})", "write {1};"},
		{"echo {-2 /.}", Options{Mode: Shell}, 6, "as {-2/.}", "write {-2/.};"},
	}
	for _, c := range cases {
		_, err := Compile([]string{c.tmpl}, c.opt)
		var e *Error
		if !errors.As(err, &e) || e.Column != c.col || !strings.Contains(e.Msg, c.msg) || !strings.Contains(e.Hint, c.hint) {
			t.Errorf("Compile(%q, mode %d) = %#v, want column %d, %q, hint %q", c.tmpl, c.opt.Mode, err, c.col, c.msg, c.hint)
		}
	}
	// These stay as written: awk's statements, the shell's ${x} and
	// {a,b} and {,.bak}, printf's %{x}, git's @{u}, -N 0 in bash.
	for _, tmpl := range []string{"awk {print} {}", "awk {next}", "echo ${x} {a,b} {}", "cp {}{,.bak}",
		"curl -w %{http_code} {}", "git log @{upstream} {}", "echo {1..5} {a..z} {}", "echo {^x} {,y} {}", "echo {1 x} {1 + 2} {}",
		"awk {++n} {i--} {a:1} {x@y} {+x}"} {
		if _, err := Compile([]string{tmpl}, Options{Mode: Shell}); err != nil {
			t.Errorf("Compile(%q) = %v, want it kept as text", tmpl, err)
		}
	}
}

// TestPlusModifiers compares the --plus path forms with GNU parallel
// 20221122's output for the same values (parallel --plus echo ...).
func TestPlusModifiers(t *testing.T) {
	forms := []string{"{}", "{+/}", "{+.}", "{+..}", "{+...}", "{..}", "{...}", "{/..}", "{/...}", "{//}"}
	gnu := map[string][]string{
		"a":            {"a", "", "", "", "", "a", "a", "a", "a", "."},
		"d/a.tar.gz":   {"d/a.tar.gz", "d", "gz", "tar.gz", "", "d/a", "d/a.tar.gz", "a", "a.tar.gz", "d"},
		"d/e/a.b.c.d":  {"d/e/a.b.c.d", "d/e", "d", "c.d", "b.c.d", "d/e/a.b", "d/e/a", "a.b", "a", "d/e"},
		"a.gz":         {"a.gz", "", "gz", "", "", "a.gz", "a.gz", "a.gz", "a.gz", "."},
		"/x/y":         {"/x/y", "/x", "", "", "", "/x/y", "/x/y", "y", "y", "/x"},
		"./b.c.tar.gz": {"./b.c.tar.gz", ".", "gz", "tar.gz", "c.tar.gz", "./b.c", "./b", "b.c", "b", "."},
		"a b/c.d":      {"a b/c.d", "a b", "d", "", "", "a b/c.d", "a b/c.d", "c.d", "c.d", "a b"},
		".hidden":      {".hidden", "", "hidden", "", "", ".hidden", ".hidden", ".hidden", ".hidden", "."},
		"d.x/f":        {"d.x/f", "d.x", "x/f", "", "", "d.x/f", "d.x/f", "f", "f", "d.x"},
	}
	tp := mustCompile(t, forms, Options{})
	for v, want := range gnu {
		got, err := tp.Argv(one(rec(v)))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, %v; GNU gives %q", v, got, err, want)
		}
	}
	// On fields and names too: {2+.} {f..}.
	h := input.NewHeader([]string{"f"})
	got := argvOf(t, []string{"x {1+.} {f..}"}, Options{Named: true}, one(hdr(h, "a.tar.gz")))
	if !reflect.DeepEqual(got, []string{"x", "gz", "a"}) {
		t.Errorf("field forms: %q", got)
	}
}

// TestFieldPastEnd: a positional field past the end of a record is empty
// (GNU parallel, SPEC 2.3); a named one still fails the job.
func TestFieldPastEnd(t *testing.T) {
	for _, c := range []struct {
		tmpl string
		r    input.Record
		want []string
	}{
		{"x {4} {2} {-3}", cols("a", "b"), []string{"x", "", "b", ""}},
		{"x {2}", rec("a"), []string{"x", ""}},
		{"x {3:-d}", cols("a", "b"), []string{"x", "d"}},
		{"x {3}", jrec(t, `[1,2]`), []string{"x", ""}},
	} {
		if got := argvOf(t, []string{c.tmpl}, Options{Named: c.r.JSON != nil}, one(c.r)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.tmpl, got, c.want)
		}
	}
	tp := mustCompile(t, []string{"x {b}"}, Options{Named: true})
	if _, err := tp.Argv(one(hdr(input.NewHeader([]string{"a"}), "1"))); !errors.Is(err, ErrNoField) {
		t.Errorf("missing name: %v, want ErrNoField", err)
	}
}

// TestCheckFields checks the named fields of a template against a header.
func TestCheckFields(t *testing.T) {
	tp := mustCompile(t, []string{"echo {name} {age:-0} {V} {nmae/}"}, Options{Named: true, Vars: map[string]string{"V": "v"}})
	err := tp.CheckFields([]string{"name", "age"})
	var e *Error
	if !errors.As(err, &e) || e.Column != 26 || !strings.Contains(e.Msg, `no field "nmae"`) || !strings.Contains(e.Hint, "did you mean {name}?") {
		t.Fatalf("CheckFields = %#v", err)
	}
	if err := tp.CheckFields([]string{"name", "nmae"}); err != nil {
		t.Errorf("all present: %v", err)
	}
}

// TestMultiArgs: a -N/-X job's arguments are its records' values when they
// have fields no header names (several ::: sources, --colsep), as in GNU
// parallel; named and unsplit records stay whole.
func TestMultiArgs(t *testing.T) {
	two := &Data{Records: []input.Record{cols("a.x", "c.z"), cols("b.y", "d.w")}, Multi: true}
	for _, c := range []struct {
		tmpl string
		opt  Options
		d    *Data
		want []string
	}{
		{"echo {}-{.}", Options{ContextReplace: true}, two, []string{"echo", "a.x-a", "c.z-c", "b.y-b", "d.w-d"}},
		{"echo {1} {3} {-1} {5}", Options{ContextReplace: true}, two, []string{"echo", "a.x", "b.y", "d.w", ""}},
		{"echo {}", Options{}, two, []string{"echo", "a.x c.z b.y d.w"}},
		{"echo x{}", Options{ContextReplace: true}, &Data{Records: recs("a", "b"), Multi: true}, []string{"echo", "xa", "xb"}},
		{"echo x{}", Options{ContextReplace: true}, &Data{Records: []input.Record{cols("a", "b"), rec("c")}, Multi: true}, []string{"echo", "xa", "xb", "xc"}},
	} {
		if got := argvOf(t, []string{c.tmpl}, c.opt, c.d); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.tmpl, got, c.want)
		}
	}
	// A header names the fields: the record stays one argument.
	h := input.NewHeader([]string{"f", "g"})
	d := &Data{Records: []input.Record{hdr(h, "1", "2"), hdr(h, "3", "4")}, Multi: true}
	if got := argvOf(t, []string{"echo x{f}"}, Options{Named: true, ContextReplace: true}, d); !reflect.DeepEqual(got, []string{"echo", "x1", "x3"}) {
		t.Errorf("named: %q", got)
	}
	// Shell mode repeats the same way.
	tp := mustCompile(t, []string{`echo "{}"-{.}`}, Options{Mode: Shell, ContextReplace: true})
	if s, err := tp.String(two); err != nil || s != `echo "a.x"-a "c.z"-c "b.y"-b "d.w"-d` {
		t.Errorf("shell: %q, %v", s, err)
	}
}

// TestNeedsShellPastRefused: a group Compile refuses does not stop
// NeedsShell from seeing the shell syntax after it, so that auto picks the
// backend the compiled template needs ({host} with --ssh, {##}, a
// --slot-var name NeedsShell is not told of).
func TestNeedsShellPastRefused(t *testing.T) {
	for _, tmpl := range []string{"echo {##} | cat", "echo {nmae} $HOME", "echo {host} $PMAP_HOST", "echo {= 1 =}; x", "echo {1 } && y", "echo {:3} > f"} {
		if !NeedsShell([]string{tmpl}, Options{}) {
			t.Errorf("NeedsShell(%q) = false", tmpl)
		}
	}
}
