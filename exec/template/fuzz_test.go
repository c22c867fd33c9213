package template

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

// errUnsupported marks shell text the tiny parser below does not model.
var errUnsupported = errors.New("unsupported shell syntax")

// parseWords splits a simple POSIX command line into words: blanks,
// '...', "..." (with its four escapes and backslash-newline), backslash
// escapes and a trailing literal backslash, as dash and bash read them.
// Anything else that is shell syntax is errUnsupported.
func parseWords(s string) ([]string, error) {
	var words []string
	var w []byte
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t':
			if in {
				words = append(words, string(w))
				w, in = w[:0], false
			}
			continue
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated '")
			}
			w = append(w, s[i+1:i+1+j]...)
			i += j + 1
		case '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				switch s[i] {
				case '\\':
					if i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
						if s[i+1] != '\n' {
							w = append(w, s[i+1])
						}
						i++
						continue
					}
				case '$', '`':
					return nil, errUnsupported
				}
				w = append(w, s[i])
			}
			if i >= len(s) {
				return nil, errors.New(`unterminated "`)
			}
		case '\\':
			if i+1 == len(s) {
				w = append(w, '\\')
				break
			}
			i++
			if s[i] == '\n' {
				continue // line continuation: not even a word start
			}
			w = append(w, s[i])
		case '\n', ';', '&', '|', '<', '>', '(', ')', '$', '`', '*', '?', '[', '#', '~':
			return nil, errUnsupported
		default:
			w = append(w, c)
		}
		in = true
	}
	if in {
		words = append(words, string(w))
	}
	return words, nil
}

func TestParseWords(t *testing.T) {
	got, err := parseWords(`a 'b c' "d\"e\x" f\ g h\` + "\n" + `i ''  j\`)
	want := []string{"a", "b c", `d"e\x`, "f g", "hi", "", `j\`}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseWords = %q, %v", got, err)
	}
}

func FuzzShellQuote(f *testing.F) {
	for _, v := range hostile {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		check := func(form, s string, want ...string) {
			got, err := parseWords(s)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s of %q = %q parses as %q, %v", form, v, s, got, err)
			}
		}
		check("Quote", Quote(v), v)
		check("JoinArgv", JoinArgv([]string{v, v, "x"}), v, v, "x")
		check("double quotes", `"`+string(dqBody.apply([]byte(v), 0))+`"`, v)
		check("single quotes", `'`+string(sqBody.apply([]byte(v), 0))+`'`, v)
		check("sqWord", string(sqWord.apply([]byte("x"+v), 1)), "x"+v)
		check("appendSQ", string(appendSQ(nil, v)), v)
		if got := Quote(v); got != v && (len(got) < 2 || got[0] != '\'') {
			t.Fatalf("Quote(%q) = %q: neither bare nor quoted", v, got)
		}
		if isSafe(v) != (Quote(v) == v) {
			t.Fatalf("Quote(%q) bare but not safe", v)
		}
		// backquote escaping is undone by the shell's backquote pass
		esc := bqEscape([]byte("pre"+v), 3, true)
		un := strings.NewReplacer(`\\`, `\`, `\$`, `$`, "\\`", "`", `\"`, `"`).Replace(string(esc[3:]))
		if un != v {
			t.Fatalf("bqEscape(%q) = %q undoes to %q", v, esc[3:], un)
		}
	})
}

// fuzzData is what FuzzCompile expands a template with.
func fuzzData(v string) []*Data {
	h := input.NewHeader([]string{"a", v})
	return []*Data{
		nil,
		{},
		one(rec(v)),
		one(cols(v, "x", v)),
		one(hdr(h, v, v)),
		one(input.Record{Raw: v, JSON: map[string]any{"a": v, "b": map[string]any{"c": []any{v, true}}}}),
		one(input.Record{Raw: v, JSON: []any{v, nil}, Fields: []string{v, "null"}}),
		one(input.Record{Raw: v, Err: errors.New("bad")}),
		{Records: recs(v, "", v+v), Multi: true, Seq: -5, Slot: 1 << 30},
		{Records: []input.Record{cols(v), {Raw: v, Err: errors.New("bad")}}, Multi: true},
		{Records: []input.Record{
			{Raw: v, JSON: map[string]any{"a": []any{}, "b": map[string]any{"c": []any{v}}}},
			{Raw: v, JSON: map[string]any{"a": []any{v, nil, map[string]any{"k": v}}, "b": nil}},
		}, Multi: true},
	}
}

// FuzzCompile compiles any template in any mode: Compile and the
// expansions never panic, String and AppendString agree, an Exec
// template has as many argv words whatever the value, its String reads
// back as its argv, and a template without shell syntax splits the same
// with or without a shell.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		"echo {}", "gzip -9", "echo {1} {-1/.} {a.b} {#} {%}", "awk '{print $1}' {}",
		`echo "a\b{}" \{} {{}} }} {{x}}`, "x={} cmd | wc -l; echo ${} $HOME{} \"${x:-{}}\"",
		"echo `basename {}` $(dirname {})", "cat <<EOF\n{}\nEOF", "echo $(( {} + 1 ))",
		"echo pre{}post 'a {} b'", "echo {0}", "echo '", "# c {}", "a\\", "\xff{}\U00100001",
		"echo {a:-x 'y} {1:-} {b.c.5/.:-z}", "echo ${a:-x} {a:-{x}", "echo -I{b.c[]} \"{a[]}\" '{b.c[]}' {a[]}",
		"{b.c[]} {a[]}{b.c[]} $(echo {a[]})",
	}
	for i, s := range seeds {
		f.Add(s, byte(i%3), byte(i), "v a'l\"ue")
	}
	f.Fuzz(func(t *testing.T, tmpl string, mode, flags byte, v string) {
		opt := Options{
			Mode:           Mode(mode % 3),
			Named:          flags&1 != 0,
			ContextReplace: flags&2 != 0,
			NoAppend:       flags&4 != 0,
		}
		if flags&8 != 0 {
			opt.Vars = map[string]string{"v": v, "a.b": "x"}
		}
		needs := NeedsShell([]string{tmpl}, Options{Named: true})
		tp, err := Compile([]string{tmpl}, opt)
		if err != nil {
			return
		}
		for _, d := range fuzzData(v) {
			s, serr := tp.String(d)
			b, berr := tp.AppendString([]byte("#"), d)
			if (serr == nil) != (berr == nil) || serr == nil && string(b) != "#"+s {
				t.Fatalf("String %q, %v; AppendString %q, %v", s, serr, b, berr)
			}
			if opt.Mode != Exec {
				continue
			}
			argv, aerr := tp.Argv(d)
			if (aerr == nil) != (serr == nil) {
				t.Fatalf("Argv error %v, String error %v", aerr, serr)
			}
			if aerr != nil {
				continue
			}
			if words, err := parseWords(s); err != nil || !slices.Equal(words, argv) {
				t.Fatalf("String %q reads as %q (%v), argv is %q", s, words, err, argv)
			}
		}
		if opt.Mode != Exec {
			return
		}
		// the number of argv words does not depend on the value
		n := -1
		for _, val := range []string{"", v, "a b\n'\"$`\\ *", "{}"} {
			argv, err := tp.Argv(one(rec(val)))
			if err != nil {
				return
			}
			if n >= 0 && len(argv) != n {
				t.Fatalf("%q: %d words for %q, %d before", tmpl, len(argv), val, n)
			}
			n = len(argv)
			if needs {
				continue
			}
			// no shell syntax: sh would split it the same
			opt.Mode = Shell
			sh, err := Compile([]string{tmpl}, opt)
			opt.Mode = Exec
			if err != nil {
				t.Fatalf("%q compiles for exec, not for shell: %v", tmpl, err)
			}
			s, err := sh.String(one(rec(val)))
			if err != nil {
				t.Fatal(err)
			}
			if words, err := parseWords(s); err == nil && !slices.Equal(words, argv) {
				t.Fatalf("%q with %q: exec argv %q, shell %q reads as %q", tmpl, val, argv, s, words)
			}
		}
	})
}
