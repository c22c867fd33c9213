package main

import (
	"bytes"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript writes pmap's script for shell to a file and returns its
// path.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"pmap", "--completion", shell}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("pmap --completion %s: exit %d: %s", shell, code, errb.String())
	}
	p := filepath.Join(t.TempDir(), "pmap."+shell)
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// needShell returns the shell's path, or skips the test saying why.
func needShell(t *testing.T, shell string) string {
	t.Helper()
	p, err := osexec.LookPath(shell)
	if err != nil {
		t.Skipf("%s is not installed: only the generation of its script is tested (TestCompletionCoversFlags)", shell)
	}
	return p
}

func shellOutput(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := osexec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestCompletionBash loads the bash script and asks it for completions the
// way bash does, through COMP_WORDS and COMP_CWORD.
func TestCompletionBash(t *testing.T) {
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := shellOutput(t, dir, bash, "--norc", "-c", `source "$1" && complete -p pmap`, "bash", script); strings.TrimSpace(got) != "complete -F _pmap pmap" {
		t.Fatalf("complete -p pmap after sourcing: %q", got)
	}
	// complete WORD... prints what _pmap offers for the last word.
	complete := func(words ...string) []string {
		t.Helper()
		prog := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pmap; printf '%s\n' "${COMPREPLY[@]}"`
		out := shellOutput(t, dir, bash, append([]string{"--norc", "-c", prog, "bash", script}, words...)...)
		return strings.Fields(out)
	}
	cases := []struct {
		words   []string
		want    []string
		without []string
	}{
		{[]string{"pmap", "--form"}, []string{"--format"}, nil},
		{[]string{"pmap", "--pro"}, []string{"--progress"}, []string{"--no-progress"}},
		{[]string{"pmap", "--format", ""}, []string{"raw", "json", "map"}, nil},
		{[]string{"pmap", "--format", "=", "j"}, []string{"json"}, []string{"raw"}},
		{[]string{"pmap", "--completion", ""}, []string{"bash", "zsh", "fish"}, nil},
		{[]string{"pmap", "-a", "li"}, []string{"list.txt"}, nil},
		{[]string{"pmap", "-n", "2", "ech"}, []string{"echo"}, nil},
		{[]string{"pmap", "--timeout", ""}, nil, []string{"--format", "echo"}},
		// After the template's first word, pmap's options are over.
		{[]string{"pmap", "-n", "2", "echo", "--for"}, nil, []string{"--format"}},
		{[]string{"pmap", "--", "--for"}, nil, []string{"--format"}},
	}
	for _, c := range cases {
		got := complete(c.words...)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("completing %q: %q lacks %s", c.words, got, w)
			}
		}
		for _, w := range c.without {
			if slices.Contains(got, w) {
				t.Errorf("completing %q: %q offers %s", c.words, got, w)
			}
		}
	}
}

// TestCompletionZsh checks the zsh script's syntax and that it registers
// itself after compinit.
func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	dir := t.TempDir()
	shellOutput(t, dir, zsh, "-n", script)
	got := shellOutput(t, dir, zsh, "-f", "-c", `autoload -Uz compinit && compinit -u -D && source "$1" && print -r -- $_comps[pmap]`, "zsh", script)
	if strings.TrimSpace(got) != "_pmap" {
		t.Fatalf("zsh: pmap completes with %q, want _pmap", got)
	}
}

// TestCompletionFish loads the fish script and asks fish for completions.
func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	dir := t.TempDir()
	shellOutput(t, dir, fish, "--no-execute", script)
	complete := func(line string) []string {
		t.Helper()
		out := shellOutput(t, dir, fish, "--no-config", "-c", `source $argv[1]; complete -C$argv[2]`, script, line)
		var words []string
		for _, l := range strings.Split(out, "\n") {
			if w, _, _ := strings.Cut(l, "\t"); w != "" {
				words = append(words, w)
			}
		}
		return words
	}
	if got := complete("pmap --form"); !slices.Contains(got, "--format") {
		t.Errorf("pmap --form: %q lacks --format", got)
	}
	if got := complete("pmap --format "); !slices.Contains(got, "json") || !slices.Contains(got, "map") {
		t.Errorf("pmap --format: %q lacks json and map", got)
	}
	if got := complete("pmap -n 2 ech"); !slices.Contains(got, "echo") {
		t.Errorf("pmap -n 2 ech: %q lacks echo", got)
	}
	if got := complete("pmap echo --for"); slices.Contains(got, "--format") {
		t.Errorf("pmap echo --for: offers pmap's --format after the template: %q", got)
	}
}

// TestCompletionCoversFlags checks that every option is in every script,
// and that the values offered are accepted.
func TestCompletionCoversFlags(t *testing.T) {
	fl := allFlags()
	for _, shell := range completionShells {
		var out bytes.Buffer
		if err := writeCompletion(&out, shell, fl); err != nil {
			t.Fatal(err)
		}
		script := out.String()
		for _, f := range fl {
			for _, n := range f.Names() {
				var want string
				switch {
				case shell == "fish" && len(n) == 1:
					want = " -s " + n
				case shell == "fish":
					want = " -l " + n
				default:
					want = optSpelling(n)
				}
				if !strings.Contains(script, want) {
					t.Errorf("%s script lacks %s", shell, optSpelling(n))
				}
			}
		}
	}
	for name, values := range optionChoices() {
		for _, v := range values {
			args := []string{"pmap", "--" + name, v, "--dry-run", "echo", ":::", "a"}
			var out, errb bytes.Buffer
			if code := run(args, strings.NewReader(""), &out, &errb); code != 0 {
				t.Errorf("completion offers --%s %s, which pmap refuses: %s", name, v, errb.String())
			}
		}
	}
}
