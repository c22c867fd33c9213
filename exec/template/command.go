package template

import "strings"

// Command is an expanded command in the form its backend runs: an argv for
// the exec backend (no shell), or a script for a shell.
type Command struct {
	// Argv is the exec form; nil for a shell script.
	Argv []string
	// Script is the shell form, when Argv is nil.
	Script string
}

// IsShell reports whether the command is a shell script.
func (c Command) IsShell() bool { return c.Argv == nil }

// AppendWords appends to argv the words that run the command as a program
// behind a launcher (srun, kubectl exec ...): its argv, or shell (sh when
// "") -c and the script, with -- before a script that starts with "-".
func (c Command) AppendWords(argv []string, shell string) []string {
	if !c.IsShell() {
		return append(argv, c.Argv...)
	}
	if shell == "" {
		shell = "sh"
	}
	argv = append(argv, shell, "-c")
	if strings.HasPrefix(c.Script, "-") {
		argv = append(argv, "--")
	}
	return append(argv, c.Script)
}

// String renders the command as one shell line: the script, or the argv
// quoted so that `sh -c` would run the same argv.
func (c Command) String() string {
	if c.IsShell() {
		return c.Script
	}
	return JoinArgv(c.Argv)
}

// Command expands the template into the form its mode runs: argv for an
// Exec template, a script for a Shell (or Plain) one. It is the one place
// that makes this choice, so that no caller writes the switch again.
func (t *Template) Command(d *Data) (Command, error) {
	if t.mode == Exec {
		argv, err := t.Argv(d)
		return Command{Argv: argv}, err
	}
	s, err := t.String(d)
	return Command{Script: s}, err
}
