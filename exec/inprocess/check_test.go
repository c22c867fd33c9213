package inprocess

import (
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// TestInProcessShellOnly: what auto leaves to a real shell.
func TestInProcessShellOnly(t *testing.T) {
	for tmpl, want := range map[string]string{
		`echo {} | tr a b`:                  "",
		`trap 'rm -f t' EXIT; echo {} > t`:  "",
		`x=$(echo {}); echo "${#x}"`:        "",
		`echo $$ {}`:                        "$$",
		`sleep 1 & echo $! {}`:              "$!",
		`echo $PPID {}`:                     "$PPID",
		`kill -0 {} && echo alive`:          "no kill",
		`command kill {}`:                   "no kill",
		`ulimit -n 10; echo {}`:             "no ulimit",
		`trap '' TERM; sleep {}`:            "signal traps",
		`trap TERM; sleep {}`:               "signal traps",
		`echo {} 3> f`:                      "file descriptors",
		`echo {} >&3`:                       "redirection",
		`cat <> {}`:                         "redirection",
		`echo {} 2>&1 >/dev/null | cat >&2`: "",
	} {
		ip := newIP(t, []string{tmpl}, template.Options{}, false)
		got := ip.ShellOnly()
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%q: ShellOnly %q, want %q", tmpl, got, want)
		}
	}
}

// TestInProcessRefuses: templates whose values could not reach commands
// intact in-process.
func TestInProcessRefuses(t *testing.T) {
	for _, tmpl := range []string{`echo ${x:-{}}`, `echo ${x/a/{}}`, `echo $(echo ${x:+{}})`} {
		v, err := template.CompileVars([]string{tmpl}, template.Options{Mode: template.Shell})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(v, false); err != errSplitValue {
			t.Errorf("%q: %v, want errSplitValue", tmpl, err)
		}
	}
	for _, tmpl := range []string{`echo ${x#{}}`, `echo "${x%%a{}}"`} {
		v, err := template.CompileVars([]string{tmpl}, template.Options{Mode: template.Shell})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(v, false); err != errPatternValue {
			t.Errorf("%q: %v, want errPatternValue", tmpl, err)
		}
	}
	for _, tmpl := range []string{`echo "${x:-{}}"`, `echo "${x/"{}"/y}"`, `echo "$(echo "${x:-{}}")"`} {
		v, err := template.CompileVars([]string{tmpl}, template.Options{Mode: template.Shell})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(v, false); err != nil {
			t.Errorf("%q: %v", tmpl, err)
		}
	}
}

// TestInProcessPatternUTF8: the interpreter cannot compile a run-time
// pattern holding bytes that are not UTF-8; such a job fails cleanly.
func TestInProcessPatternUTF8(t *testing.T) {
	ip := newIP(t, []string{`y={}; x=a; echo "${x#$y}" "${x/$y/b}"`}, template.Options{}, false)
	defer ip.Close()
	_, _, o := runIP(t, ip, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "a\xff"}}}, 1)
	if o.Status != job.StatusError || o.Err != errPatternUTF8 {
		t.Fatalf("got %+v", o)
	}
	out, _, o := runIP(t, ip, "", &job.Job{Seq: 2, Records: []input.Record{{Raw: "a"}}}, 1)
	if o.Status != job.StatusOK || out != " b\n" {
		t.Fatalf("got %q %+v", out, o)
	}
	// A literal pattern is no concern.
	ip2 := newIP(t, []string{`x={}; echo "${x#a}"`}, template.Options{}, false)
	defer ip2.Close()
	if _, _, o := runIP(t, ip2, "", &job.Job{Seq: 1, Records: []input.Record{{Raw: "a\xff"}}}, 1); o.Status != job.StatusOK {
		t.Fatalf("got %+v", o)
	}
}
