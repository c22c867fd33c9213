package template

import (
	"errors"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

func TestVarsScript(t *testing.T) {
	tests := []struct {
		tmpl, want string
	}{
		{`echo {}`, `echo "${__pmap_v0}"`},
		{`echo '{}' "{}" x{}y`, `echo ''"${__pmap_v0}"'' "${__pmap_v1}" x"${__pmap_v2}"y`},
		{`echo $'a{}b'`, `echo $'a'"${__pmap_v0}"$'b'`},
		{`echo "${x:-{}}" $(( {#} + 1 ))`, `echo "${x:-"${__pmap_v0}"}" $(( ${__pmap_v1} + 1 ))`},
		{"echo \"`echo {}`\"", "echo \"`echo \\\"${__pmap_v0}\\\"`\""},
		{"cat <<EOF\n{}\nEOF", "cat <<EOF\n${__pmap_v0}\nEOF"},
		{`echo {} # {}`, `echo "${__pmap_v0}" # `},
		{`echo x | tr x y`, `echo x | tr x y "${__pmap_args[@]}"`},
		{`{}`, `"${__pmap_v0}"`},
	}
	for _, tt := range tests {
		v, err := CompileVars([]string{tt.tmpl}, Options{})
		if err != nil {
			t.Fatalf("%q: %v", tt.tmpl, err)
		}
		if got := v.Script(0); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestVarsValues(t *testing.T) {
	v, err := CompileVars([]string{`echo {} {1} '{/}' {#} {%} # {}`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := &Data{Records: []input.Record{{Raw: "dir/a b.c"}}, Seq: 12, Slot: 3}
	var vs Values
	if err := v.Fill(&vs, d); err != nil {
		t.Fatal(err)
	}
	if got := joinValues(&vs); got != "dir/a b.c|dir/a b.c|a b.c|12|3" {
		t.Fatalf("values %q", got)
	}
	if args, _ := v.AppendArgs(nil, d); len(args) != 0 {
		t.Fatalf("args %q for a template with replacement strings", args)
	}

	// No replacement string: the record's fields are the appended args.
	v, _ = CompileVars([]string{`echo | cat`}, Options{})
	args, err := v.AppendArgs(nil, &Data{Records: []input.Record{{Raw: "a,b", Fields: []string{"a", "b"}}}})
	if err != nil || strings.Join(args, "|") != "a|b" {
		t.Fatalf("args %q, %v", args, err)
	}
}

// TestVarsRepeat: with ContextReplace the program depends on the record
// count, and the values follow the program's order.
func TestVarsRepeat(t *testing.T) {
	v, err := CompileVars([]string{`cp x{}y '{}' {#} dest`}, Options{ContextReplace: true})
	if err != nil {
		t.Fatal(err)
	}
	d := &Data{Records: []input.Record{{Raw: "1"}, {Raw: "2"}, {Raw: "3"}}, Multi: true, Seq: 7}
	if !v.Repeats() || v.Reps(d) != 3 {
		t.Fatalf("Repeats %v, Reps %d", v.Repeats(), v.Reps(d))
	}
	want := `cp x"${__pmap_v0}"y x"${__pmap_v1}"y x"${__pmap_v2}"y ''"${__pmap_v3}"'' ''"${__pmap_v4}"'' ''"${__pmap_v5}"'' "${__pmap_v6}" dest`
	if got := v.Script(3); got != want {
		t.Fatalf("script %q, want %q", got, want)
	}
	var vs Values
	if err := v.Fill(&vs, d); err != nil || joinValues(&vs) != "1|2|3|1|2|3|7" {
		t.Fatalf("values %q, %v", joinValues(&vs), err)
	}

	// A word that is one replacement string is an array: the program is
	// the same for every record count.
	v, err = CompileVars([]string{`cp {} "{}" {#} dest`}, Options{ContextReplace: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Repeats() || v.Reps(d) != 0 {
		t.Fatalf("Repeats %v", v.Repeats())
	}
	want = `cp "${__pmap_a0[@]}" "${__pmap_a1[@]}" "${__pmap_v2}" dest`
	if got := v.Script(0); got != want {
		t.Fatalf("script %q, want %q", got, want)
	}
	if err := v.Fill(&vs, d); err != nil || joinValues(&vs) != "[1 2 3]|[1 2 3]|7" {
		t.Fatalf("values %q, %v", joinValues(&vs), err)
	}
}

// joinValues renders vs as v1|v2|[a b c].
func joinValues(vs *Values) string {
	var parts []string
	for i := range vs.Len() {
		s, list, array := vs.Get(i)
		if array {
			s = "[" + strings.Join(list, " ") + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "|")
}

// TestVarsErrors: a value fails a job exactly where String fails it, and a
// quoted here-document cannot hold a variable.
func TestVarsErrors(t *testing.T) {
	for _, tt := range []struct{ tmpl, value string }{
		{`echo $(( {} + 1 ))`, "1+1"},
		{"cat <<EOF\n{}\nEOF", "a\nb"},
		{"cat <<EOF\n{}\nEOF", "EOF"},
		{`echo {name}`, "x"},
	} {
		opt := Options{Named: true}
		v, err := CompileVars([]string{tt.tmpl}, opt)
		if err != nil {
			t.Fatal(err)
		}
		d := &Data{Records: []input.Record{{Raw: tt.value}}}
		verr := v.Fill(&Values{}, d)
		opt.Mode = Shell
		tp, _ := Compile([]string{tt.tmpl}, opt)
		_, serr := tp.String(d)
		if verr == nil || serr == nil || verr.Error() != serr.Error() {
			t.Errorf("%q with %q: AppendValues %v, String %v", tt.tmpl, tt.value, verr, serr)
		}
	}
	if _, err := CompileVars([]string{"cat <<'EOF'\n{}\nEOF"}, Options{}); !errors.Is(err, ErrQuotedHereDoc) || !strings.Contains(err.Error(), ErrQuotedHereDoc.Error()) {
		t.Fatalf("quoted here-document: %v", err)
	}
	var ce *Error
	if _, err := CompileVars([]string{"echo 'unterminated {}"}, Options{}); !errors.As(err, &ce) {
		t.Fatalf("bad template: %v", err)
	}
}
