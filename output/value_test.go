package output

import (
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

func TestAppendValue(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	for _, c := range []struct{ out, want string }{
		{"42\n", `42`},
		{"1.50\n", `1.50`}, // as written, not 1.5
		{"12345678901234567890\n", `12345678901234567890`}, // no float rounding
		{" {\"a\": [1, 2]} \n", `{"a":[1,2]}`},
		{"\"text\"\n", `"text"`},
		{"null\n", `null`},
		{"hello\n", `"hello"`},
		{"hello", `"hello"`},
		{"two\nlines\n", `"two\nlines"`},
		{"trailing blank\n\n", `"trailing blank\n"`},
		{"1\n2\n", `"1\n2"`}, // two documents are text
		{"", `""`},
		{"\n", `""`},
		{"{broken\n", `"{broken"`},
		{"\xff\n", `"\ufffd"`},
	} {
		r := &job.Result{Stdout: sp.NewBuffer()}
		r.Stdout.Write([]byte(c.out))
		got, err := appendValue(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("value of %q = %s, want %s", c.out, got, c.want)
		}
		r.Stdout.Release()
	}
}

func TestParseFailValue(t *testing.T) {
	for in, want := range map[string]string{`null`: `null`, ` { "a" : 1 } `: `{"a":1}`, `"n/a"`: `"n/a"`, `0`: `0`} {
		got, err := ParseFailValue(in)
		if err != nil || string(got) != want {
			t.Errorf("ParseFailValue(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{`n/a`, `{`, `1 2`} {
		if _, err := ParseFailValue(in); err == nil {
			t.Errorf("ParseFailValue(%q) did not fail", in)
		}
	}
}
