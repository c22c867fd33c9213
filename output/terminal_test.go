package output

import "testing"

func TestTerminalSafe(t *testing.T) {
	cases := map[string]string{
		"plain text":        "plain text",
		"tab\tand\nnewline": "tab\tand\nnewline",
		"héllo → ✓":         "héllo → ✓",
		"a\x1b[2Jb":         `a\e[2Jb`,
		"cr\rbs\bbel\a":     `cr\rbs\x08bel\x07`,
		"del\x7f":           `del\x7f`,
		"c1\u009b31m":       `c1\u009b31m`,
		"bad\xffutf8\xc3":   `bad\xffutf8\xc3`,
		"é\x1b":             `é\e`,
		"back\\slash":       `back\slash`,
		"\x00nul":           `\x00nul`,
		"ok\ufffdreplaced":  "ok\ufffdreplaced",
	}
	for in, want := range cases {
		if got := TerminalSafe(in); got != want {
			t.Errorf("TerminalSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
