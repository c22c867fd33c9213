package template

import (
	osexec "os/exec"
	"strings"
	"testing"
)

// TestShellANSIEveryShell checks a value inside $'...' with no escape
// after it: bash and the shells that read $'...' print the value's exact
// bytes, and dash, which reads $'...' as '$' then '...', prints the '$'
// and the exact bytes, as it would for the value typed into the template.
func TestShellANSIEveryShell(t *testing.T) {
	tp := mustCompile(t, []string{`printf '%s|' $'<{}>'`}, Options{Mode: Shell})
	var codes []string
	var vals []string
	for _, v := range hostile {
		if strings.ContainsRune(v, 0) {
			continue
		}
		s, err := tp.String(one(rec(v)))
		if err != nil {
			t.Fatal(err)
		}
		codes, vals = append(codes, s), append(vals, v)
	}
	sb := newSandbox(t)
	forEachShell(t, func(t *testing.T, sh shell, path string) {
		// sh may be dash or bash: ask the shell itself.
		out, err := osexec.Command(path, append(sh.args, "-c", "printf %s $'x'")...).Output()
		if err != nil {
			t.Fatal(err)
		}
		prefix := strings.TrimSuffix(string(out), "x")
		var cases []shellCase
		for i, s := range codes {
			cases = append(cases, shellCase{name: "$'<{}>' with " + short(vals[i]), code: s, want: prefix + "<" + vals[i] + ">|"})
		}
		sb.runBatch(t, sh, path, cases)
	})
}
