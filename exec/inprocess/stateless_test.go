package inprocess

import (
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

func rec(seq int64, raw string) *job.Job {
	return &job.Job{Seq: seq, Records: []input.Record{{Raw: raw}}}
}

// What a job changes in its interpreter must not reach the next job on
// the slot: record "1" changes something, record "2" looks at it, and
// must see what a fresh shell sees.
func TestInProcessJobsAreIsolated(t *testing.T) {
	t.Setenv("PMAP_TEST_BASE", "base")
	for _, c := range []struct{ name, change, look, want string }{
		{"cd", `cd /`, `pwd`, "DIR"},
		{"variable", `x=1`, `echo "${x-unset}"`, "unset"},
		{"base variable", `PMAP_TEST_BASE=changed`, `echo "$PMAP_TEST_BASE"`, "base"},
		{"unset base", `unset PMAP_TEST_BASE`, `echo "${PMAP_TEST_BASE-unset}"`, "base"},
		{"export", `export NEWVAR=1`, `sh -c 'echo "${NEWVAR-unset}"'`, "unset"},
		{"function", `f() { echo leaked; }`, `type f >/dev/null 2>&1 && echo leaked || echo none`, "none"},
		{"set -e", `set -e`, `false; echo went on`, "went on"},
		{"set -u", `set -u`, `echo "$nope" ok`, " ok"},
		{"trap", `trap 'echo trapped' EXIT`, `echo body`, "body"},
		{"positional", `set -- a b`, `echo "$#"`, "0"},
		{"arithmetic", `: $((n=5))`, `echo "${n-unset}"`, "unset"},
		{"assign default", `: ${d:=5}`, `echo "${d-unset}"`, "unset"},
		{"read", `read r <<< in`, `echo "${r-unset}"`, "unset"},
		{"for", `for v in a; do :; done`, `echo "${v-unset}"`, "unset"},
		{"rematch", `[[ ab =~ a ]]`, `echo "${#BASH_REMATCH[@]}"`, "0"},
		{"printf -v", `printf -v pv %s x`, `echo "${pv-unset}"`, "unset"},
		{"pushd", `pushd / >/dev/null`, `dirs | wc -w | tr -d ' '`, "1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			want := strings.ReplaceAll(c.want, "DIR", dir)
			tmpl := `case {} in 1) ` + c.change + `;; 2) ` + c.look + `;; esac`
			ip := newIP(t, []string{tmpl}, template.Options{}, false)
			defer ip.Close()
			if _, stderr, o := runIP(t, ip, dir, rec(1, "1"), 1); o.Status != job.StatusOK {
				t.Fatalf("job 1: %+v %s", o, stderr)
			}
			out, stderr, o := runIP(t, ip, dir, rec(2, "2"), 1)
			if o.Status != job.StatusOK || strings.TrimSuffix(out, "\n") != want {
				t.Fatalf("job 2 got %q %+v (stderr %q), want %q", out, o, stderr, want)
			}
		})
	}
}

// A job that cannot change its interpreter skips the reset; what a failed
// or stopped job leaves ($?, its stdin) must still not reach the next.
func TestInProcessStatelessJobsStartAfresh(t *testing.T) {
	ip := newIP(t, []string{`echo "$?"; test {} = ok`}, template.Options{}, false)
	defer ip.Close()
	if !ip.stateless {
		t.Fatal("the template should be stateless")
	}
	if _, _, o := runIP(t, ip, "", rec(1, "fail"), 1); o.Status != job.StatusFailed {
		t.Fatalf("job 1: %+v", o)
	}
	if out, _, o := runIP(t, ip, "", rec(2, "ok"), 1); o.Status != job.StatusOK || out != "0\n" {
		t.Fatalf("after a failed job, $? is %q (%+v), want 0", out, o)
	}

	cat := newIP(t, []string{`cat; echo "$?" {}`}, template.Options{}, false)
	defer cat.Close()
	j := rec(1, "a")
	j.Stdin = []byte("in\n")
	if out, _, o := runIP(t, cat, "", j, 1); o.Status != job.StatusOK || out != "in\n0 a\n" {
		t.Fatalf("job with stdin: %q %+v", out, o)
	}
	if out, stderr, o := runIP(t, cat, "", rec(2, "b"), 1); o.Status != job.StatusOK || out != "0 b\n" {
		t.Fatalf("job without stdin after one with: %q %+v %s", out, o, stderr)
	}
}

// A quiet program's external commands still get pmap's environment and
// the job's variables, and ${!prefix*} still lists them.
func TestInProcessQuietEnvironment(t *testing.T) {
	t.Setenv("PMAP_TEST_BASE", "base")
	ip := newIP(t, []string{`sh -c 'echo "$PMAP_TEST_BASE $PMAP_SEQ"'; echo {}`}, template.Options{}, false)
	defer ip.Close()
	if !ip.quiet {
		t.Fatal("the template should be quiet")
	}
	for seq := int64(1); seq <= 3; seq++ {
		out, _, o := runIP(t, ip, "", rec(seq, "x"), 1)
		if want := "base " + string(rune('0'+seq)) + "\nx\n"; o.Status != job.StatusOK || out != want {
			t.Fatalf("job %d: %q %+v, want %q", seq, out, o, want)
		}
	}
	// A job that exports (and so resets after it) is quiet too.
	exp := newIP(t, []string{`export E={}; sh -c 'echo "$E $PMAP_TEST_BASE"'`}, template.Options{}, false)
	defer exp.Close()
	if !exp.quiet {
		t.Fatal("the exporting template should be quiet")
	}
	for seq := int64(1); seq <= 2; seq++ {
		if out, _, _ := runIP(t, exp, "", rec(seq, "v"+string(rune('0'+seq))), 1); out != "v"+string(rune('0'+seq))+" base\n" {
			t.Fatalf("job %d: %q", seq, out)
		}
	}
	names := newIP(t, []string{`echo ${!PMAP_TEST_*} {}`}, template.Options{}, false)
	defer names.Close()
	for seq := int64(1); seq <= 2; seq++ {
		if out, _, _ := runIP(t, names, "", rec(seq, "x"), 1); out != "PMAP_TEST_BASE x\n" {
			t.Fatalf("job %d: %q", seq, out)
		}
	}
}

// stateless keeps the reset for every construct that writes the
// interpreter's state, and skips it for the common read-only jobs.
func TestStateless(t *testing.T) {
	for src, want := range map[string]bool{
		`echo {}`:                           true,
		`printf '%s\n' {} > out; cat {}`:    true,
		`test -f {} && echo y || echo n`:    true,
		`case {} in *.log) echo log;; esac`: true,
		`echo $(( {#} * 2 )) "$(pwd)"`:      true,
		`printf {}`:                         false, // the value could be -v
		`x={}`:                              false,
		`X=1 cmd {}`:                        false,
		`cd {}`:                             false,
		`{} arg`:                            false,
		`f() { :; }; f {}`:                  false,
		`set -e; echo {}`:                   false,
		`echo $((i++)) {}`:                  false,
		`echo ${x:=1} {}`:                   false,
		`for a in {}; do :; done`:           false,
		`[[ {} =~ x ]]`:                     false,
		`read x; echo {}`:                   false,
		`eval {}`:                           false,
		`command cd {}`:                     false,
		`break 2`:                           false,
		`echo {} &`:                         false,
		`local x; declare y`:                false,
		`exec >f; echo {}`:                  false,
		`trap '' INT; echo {}`:              false,
	} {
		f, err := parseProgram(strings.ReplaceAll(strings.ReplaceAll(src, "{#}", "1"), "{}", `"$__pmap_v0"`))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := stateless(f); got != want {
			t.Errorf("stateless(%s) = %v, want %v", src, got, want)
		}
	}
}

// A quiet job is not followed by the interpreter's copy of the whole
// environment into Runner.Vars (pmap never reads it), and a stateless one
// reuses the interpreter's state instead of resetting it: what the slot's
// runner holds after a few jobs is a handful of variables, not pmap's
// environment.
func TestInProcessQuietSkipsEnvironmentCopy(t *testing.T) {
	for i := range 50 {
		t.Setenv("PMAP_TEST_FILL_"+strings.Repeat("x", i), "y")
	}
	for _, tmpl := range []string{`echo {}`, `x={}; echo "$x"`} {
		ip := newIP(t, []string{tmpl}, template.Options{}, false)
		defer ip.Close()
		for seq := int64(1); seq <= 3; seq++ {
			if out, _, o := runIP(t, ip, "", rec(seq, "x"), 1); o.Status != job.StatusOK || out != "x\n" {
				t.Fatalf("%s: job %d: %q %+v", tmpl, seq, out, o)
			}
		}
		r := ip.slots[1].runner
		if _, ok := r.Vars["PMAP_TEST_FILL_"]; ok || len(r.Vars) > 10 {
			t.Fatalf("%s: the interpreter copied %d variables after the job", tmpl, len(r.Vars))
		}
	}
}
