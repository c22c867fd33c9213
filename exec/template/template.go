// Package template compiles pmap's command templates once and expands them
// per job. Expansion never re-parses the template and never lets a value
// become code: in Exec mode a value is always (part of) exactly one argv word,
// in Shell mode it is inserted as a single-quoted shell word.
package template

import "github.com/pmap-dev/pmap/input"

// Mode says what an expansion produces.
type Mode int

const (
	// Exec splits the template into argv (shlex) and places values inside words.
	Exec Mode = iota
	// Shell produces one shell command line; values are quoted shell words.
	Shell
	// Plain produces one string with values inserted as they are (--tagstring, --key).
	Plain
)

// Options configure Compile.
type Options struct {
	Mode Mode
	// Vars are the --var NAME=VALUE constants, usable as {NAME}.
	Vars map[string]string
	// Named is set when records carry named fields (--header, --json), so
	// that {name} is a replacement string rather than literal text.
	Named bool
	// ContextReplace (-X) repeats a word containing {} once per record.
	ContextReplace bool
	// NoAppend disables appending the record when the template has no
	// replacement string (used for Plain templates).
	NoAppend bool
}

// Data is what one expansion sees.
type Data struct {
	// Records holds the job's record, or its records with -N/-X.
	Records []input.Record
	// Multi is set for -N/-X jobs: {n} is argument n and missing ones are empty.
	Multi bool
	// Seq is the job number, {#}.
	Seq int64
	// Slot is the worker slot, {%}.
	Slot int
}

// Template is a compiled command template.
type Template struct{}

// Compile parses the template words (joined by single spaces, as GNU parallel
// does) once.
func Compile(words []string, opt Options) (*Template, error) { panic("unimplemented") }

// Argv expands an Exec template into argv.
func (t *Template) Argv(d *Data) ([]string, error) { panic("unimplemented") }

// String expands a Shell or Plain template into one string; for an Exec
// template it returns the argv shell-quoted and joined by spaces.
func (t *Template) String(d *Data) (string, error) { panic("unimplemented") }

// AppendString is String appending to dst, for allocation-free hot paths
// such as --dry-run.
func (t *Template) AppendString(dst []byte, d *Data) ([]byte, error) { panic("unimplemented") }

// HasReplacement reports whether the template as written holds any
// replacement string.
func (t *Template) HasReplacement() bool { panic("unimplemented") }

// FixedCost is the argument-space (bytes of strings plus pointers) that a
// job of this template takes whatever its records; RecordCost is what each
// more record adds. -X packing uses them to stay under the system limit.
func (t *Template) FixedCost() int { panic("unimplemented") }

// RecordCost: see FixedCost.
func (t *Template) RecordCost(r *input.Record) int { panic("unimplemented") }

// NeedsShell reports whether the template text uses shell syntax (pipes,
// lists, redirections, expansions, globs, keywords...) so that auto must
// run it through a shell.
func NeedsShell(words []string) bool { panic("unimplemented") }

// Quote returns s as one shell word: bare when it is made only of safe
// characters, single-quoted otherwise (” for the empty string).
func Quote(s string) string { panic("unimplemented") }
