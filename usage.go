package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/template"
)

// helpHint ends a usage error that has nothing more specific to say.
const helpHint = "run 'pmap --help' to see the options; put the command after them, or after --"

// invalidBool is the flag parser's message for a switch given a value;
// envBool urfave/cli's for a switch variable that is not a boolean.
var (
	invalidBool = regexp.MustCompile(`^invalid boolean value "(.*)" for -(.+?): `)
	envBool     = regexp.MustCompile(`could not parse "(.*)" as bool value from environment variable "(\w+)"`)
)

// usageError turns the flag parser's message into pmap's: the option as it
// was typed, and a hint naming the option that was probably meant.
func (inv *invocation) usageError(err error, fl []cli.Flag) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		typed := inv.typed(name)
		hint := suggest(typed, fl)
		if hint == "" {
			hint = helpHint
		}
		return &usageError{err: fmt.Errorf("unknown option %s", typed), hint: hint}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		typed := inv.typed(name)
		value := "VALUE"
		if f := findFlag(fl, name); f != nil {
			if p, _ := unquoteUsage(f.(cli.DocGenerationFlag).GetUsage()); p != "" {
				value = p
			}
		}
		return usagef(fmt.Sprintf("write %s %s, before the template", typed, value), "%s needs a value", typed)
	}
	if m := invalidBool.FindStringSubmatch(msg); m != nil {
		typed := inv.typed(m[2])
		return usagef(fmt.Sprintf("a switch is on when given: write %s alone", typed), "%s takes no value (got %q)", typed, m[1])
	}
	if m := envBool.FindStringSubmatch(msg); m != nil {
		return usagef("unset "+m[2]+" or set it to a switch value", "%s=%s: want 1, true, 0 or false", m[2], m[1])
	}
	return usagef("run 'pmap --help' to see the options", "%s", msg)
}

// typed is how the option name (as the flag parser reports it, without
// dashes) was written on the command line: --timout, -timout or -P4.
func (inv *invocation) typed(name string) string {
	for _, a := range inv.args[min(1, len(inv.args)):] {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		opt, _, _ := strings.Cut(a, "=")
		if strings.TrimLeft(opt, "-") == name {
			return opt
		}
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// foreignOptions are options of xargs and GNU parallel that pmap spells
// differently, with the pmap option meant (or a word on what to do).
var foreignOptions = map[string]string{
	"S":        "--ssh",
	"sshlogin": "--ssh",
	"citation": "pmap prints no citation notice: drop the option",
	"I":        "pmap has no -I: write {} in the template where the record goes",
	"i":        "pmap has no -i: write {} in the template where the record goes",
}

// suggest names the option probably meant by the unknown option typed, ""
// when none is close.
func suggest(typed string, fl []cli.Flag) string {
	name, _, _ := strings.Cut(strings.TrimLeft(typed, "-"), "=")
	exists := func(opt string) bool { return findFlag(fl, strings.TrimLeft(opt, "-")) != nil }
	foreign := func(n string) string {
		s, ok := foreignOptions[n]
		switch {
		case !ok:
			return ""
		case !strings.HasPrefix(s, "--"):
			return s
		case !exists(s):
			return ""
		}
		return fmt.Sprintf("did you mean %s? (%s is xargs' or GNU parallel's spelling)", spellWithAliases(fl, s), optSpelling(n))
	}
	if s := foreign(name); s != "" {
		return s
	}
	if len(name) > 1 && !strings.HasPrefix(typed, "--") {
		// -P4: a foreign one-letter option with its value glued on.
		if _, err := strconv.Atoi(name[1:]); err == nil {
			if s := foreign(name[:1]); s != "" {
				return s
			}
		}
	}
	if len(name) < 2 {
		return ""
	}
	// shown is the name a suggestion gives for each long name: pmap's
	// own, also when the typo is closest to a GNU alias (--jobz: --workers).
	var longs []string
	shown := map[string]string{}
	for _, f := range fl {
		for _, n := range f.Names() {
			if len(n) > 1 {
				longs = append(longs, n)
				shown[n] = n
				if slices.Contains(hiddenAliases, n) {
					shown[n] = f.Names()[0]
				}
			}
		}
	}
	// A unique prefix (--prog), then the closest name by edit distance.
	var prefixed []string
	for _, n := range longs {
		if strings.HasPrefix(n, name) && !slices.Contains(prefixed, shown[n]) {
			prefixed = append(prefixed, shown[n])
		}
	}
	if len(prefixed) == 1 {
		return "did you mean --" + prefixed[0] + "?"
	}
	// Short names are close to too much: allow one edit there.
	allowed := max(2, utf8.RuneCountInString(name)/3)
	if utf8.RuneCountInString(name) <= 4 {
		allowed = 1
	}
	best, bestDist := "", allowed+1
	for _, n := range longs {
		if d := template.TypoDistance(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean --" + shown[best] + "?"
}

// spellWithAliases is an option with its one-letter alias: -n/--workers.
func spellWithAliases(fl []cli.Flag, long string) string {
	f := findFlag(fl, strings.TrimLeft(long, "-"))
	for _, n := range f.Names() {
		if len(n) == 1 {
			return "-" + n + "/" + long
		}
	}
	return long
}

// findFlag returns the flag with the name or alias name, or nil.
func findFlag(fl []cli.Flag, name string) cli.Flag {
	for _, f := range fl {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// envHint says which PMAP_<NAME> variable set an option named in an error
// message, when the command line did not: a bad value that the user does
// not see on the command line is otherwise a puzzle.
func (inv *invocation) envHint(msg string, fl []cli.Flag) string {
	lookup := inv.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var hints []string
	for _, f := range fl {
		d, ok := f.(cli.DocGenerationFlag)
		if !ok || inv.given[f.Names()[0]] || !mentions(msg, f.Names()) {
			continue
		}
		for _, v := range d.GetEnvVars() {
			if val, ok := lookup(v); ok && val != "" {
				hints = append(hints, fmt.Sprintf("%s=%s in the environment sets %s", v, val, optSpelling(f.Names()[0])))
			}
		}
	}
	return strings.Join(hints, "\n")
}

// mentions reports whether msg names one of the options: -n, --workers.
func mentions(msg string, names []string) bool {
	for _, n := range names {
		re := `(^|[^\w-])` + regexp.QuoteMeta(optSpelling(n)) + `($|[^\w-])`
		if regexp.MustCompile(re).MatchString(msg) {
			return true
		}
	}
	return false
}

// templateError is a template that does not compile: --key, --tagstring,
// --launcher, the worker or the command template (flag ""). It is a usage
// error whose hint shows the template with a caret under the column at
// fault.
type templateError struct {
	flag string // the option the template came from; "" for the command
	text string // the template as given (words joined by spaces)
	err  error
}

func (e *templateError) Error() string {
	if e.flag == "" {
		return e.err.Error()
	}
	return e.flag + ": " + e.err.Error()
}

func (e *templateError) Unwrap() error { return e.err }

// commandError wraps the compile error of a template given as text.
func commandError(flag, text string, err error) error {
	return &templateError{flag: flag, text: text, err: err}
}

// caretWidth is the most of a template shown around the column of an error.
const caretWidth = 72

// caret is the hint of a template error: a window of the template around
// the column at fault, and a caret under it; "" when the error has no
// column or the template cannot be shown on one line.
func (e *templateError) caret() string {
	var te *template.Error
	if !errors.As(e.err, &te) {
		return ""
	}
	col, text := te.Column, e.text
	runes := []rune(text)
	if col < 1 || col > len(runes)+1 || strings.ContainsAny(text, "\n\r") {
		return te.Hint
	}
	// A window of the template around the column, tabs shown as spaces so
	// the caret lines up.
	from, prefix := 0, ""
	if col > caretWidth {
		from, prefix = col-caretWidth/2, "..."
	}
	to, suffix := min(len(runes), from+caretWidth), ""
	if to < len(runes) {
		suffix = "..."
	}
	shown := strings.ReplaceAll(prefix+string(runes[from:to])+suffix, "\t", " ")
	shown += "\n" + strings.Repeat(" ", len(prefix)+col-1-from) + "^"
	if te.Hint != "" {
		shown += "\n" + te.Hint
	}
	return shown
}
