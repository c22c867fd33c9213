package template

import (
	"fmt"
	"sort"
	"strings"
)

// A brace group that is not a replacement string stays as written (awk's
// {print $1}, the shell's ${x} and {a,b}). Some groups are GNU parallel
// syntax that pmap does not have, or a field name that no input provides;
// passing those through would run a different command with exit 0, so
// Compile refuses them here, with a hint.

// refusePerl refuses GNU parallel's {= perl expression =} at s[i].
func (b *braces) refusePerl(i int, prevDollar bool) error {
	s := b.s
	if b.lenient || prevDollar || i+1 >= len(s) || s[i+1] != '=' || !strings.Contains(s[i+2:], "=}") {
		return nil
	}
	end := i + 2 + strings.Index(s[i+2:], "=}") + 2
	return hintAt(s, i, "pmap runs no perl: change the value in the shell (--backend shell 'v={}; echo \"${v%.gz}\"'),\n"+
		"or use {.} {/} {//} {/.} {..} {+.} {+/} and {name:-default}",
		"%s: GNU parallel's perl expressions {= ... =} are not supported", s[i:end])
}

// awkStatements are awk actions that stand alone between braces
// (awk '{print}'): without named fields they stay text.
var awkStatements = map[string]bool{"print": true, "next": true, "exit": true, "nextfile": true, "getline": true}

// gnuNames are GNU parallel's --plus names pmap spells differently.
var gnuNames = map[string]string{
	"slot":     "{%} is the worker slot",
	"sshlogin": "{host} is the host with --ssh",
	"host":     "{host} is the host only in the command, with --ssh",
	"agrp":     "pmap has no host groups",
	"hgrp":     "pmap has no host groups",
	"uniq":     "filter the input instead (sort -u)",
	"choose_k": "filter the input instead",
}

// refuse is called for the group s[i:end] whose content c is not a
// replacement string. It returns the error for GNU-shaped groups and a
// word that names no field, or nil to keep the group as text.
func (b *braces) refuse(i, end int, c string) error {
	s := b.s
	if b.lenient || i > 0 && strings.IndexByte("$%@", s[i-1]) >= 0 {
		return nil // ${x}, printf's %{x}, git's @{u}: another syntax
	}
	group := s[i:end]
	if plusShaped(c) {
		return hintAt(s, i, "pmap has {} {.} {/} {//} {/.} {+/} {+.} {+..} {+...} {..} {...} {/..} {/...} {#} {%} {##} {0#} {:-VALUE} {:n} {:n:m};\n"+
			"transform the value in the shell instead (--backend shell 'v={}; echo \"${v#prefix}\"'), or write {"+group+"} for literal braces",
			"%s: GNU parallel --plus replacement string not supported", group)
	}
	base, _ := splitModifier(c)
	if !validName(base) || !wordName(base) || b.opt.Named && !b.opt.Worker {
		return nil
	}
	if awkStatements[base] && c == base {
		return nil
	}
	if h, ok := gnuNames[base]; ok && !(base == "host" && b.opt.Remote) {
		return hintAt(s, i, h+"; write {"+group+"} for literal braces",
			"%s is not a pmap replacement string", group)
	}
	hint := ""
	if m := closest(base, b.candidates()); m != "" {
		hint = "did you mean {" + m + "}?\n"
	}
	if b.opt.Worker {
		hint += "write {" + group + "} for literal braces; the worker reads its records on stdin"
		return hintAt(s, i, hint, "%s: no such field: no record reaches the --worker command", group)
	}
	hint += "write {" + group + "} for literal braces; named fields come from --header, --csv/--tsv --header, --json or --var NAME=VALUE"
	return hintAt(s, i, hint, "%s: no such field: the input has no named fields", group)
}

// wordName reports whether a name is made of letters, digits, '_' and
// dots (and UTF-8): a field name someone meant. Names with '-', '@' or ':'
// are fields only with named input; without, {i--} and {a:1} are code
// (awk, JSON-ish text) and stay as written.
func wordName(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r == '-' || r == '@' || r == ':' }) < 0
}

// plusShaped reports whether c is a GNU --plus form pmap lacks: {#re},
// {%re}, {:n}, {:n:m}, {/re/str}, {0#}, {0%}. ({+/} {+.} {+..} {+...} are
// GNU's only '+' forms, all supported; {++n} is awk's.)
func plusShaped(c string) bool {
	if c == "" {
		return false
	}
	switch c[0] {
	case '#', '%', ':', '/':
		return true
	}
	d := strings.TrimLeft(c, "0123456789")
	return d != c && (d == "#" || d == "%")
}

// candidates are the names a typo may have meant: --var names, and the
// replacement words pmap knows.
func (b *braces) candidates() []string {
	c := make([]string, 0, len(b.opt.Vars)+1)
	for n := range b.opt.Vars {
		c = append(c, n)
	}
	if b.opt.Remote {
		c = append(c, "host")
	}
	sort.Strings(c)
	return c
}

// hintAt builds a compile error at byte offset i of s with a hint.
func hintAt(s string, i int, hint, format string, args ...any) error {
	err := errAt(s, i, format, args...).(*Error)
	err.Hint = hint
	return err
}

// closest is the candidate nearest to name by edit distance (adjacent
// transpositions count one), or "" when none is close enough to be a typo.
func closest(name string, cands []string) string {
	best, bestD := "", len(name)/3+2
	for _, c := range cands {
		if d := TypoDistance(name, c); d < bestD && d < len(name) {
			best, bestD = c, d
		}
	}
	return best
}

// TypoDistance is the optimal string alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of neighbours,
// each one typo. Every "did you mean" of pmap (replacement strings, header
// fields, options, PMAP_ variables) measures closeness with it.
func TypoDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// CheckFields checks every named field the template reads against the
// names a header gave, before any job runs: a field no record can have
// would fail every job. The error is an *Error at the first such field,
// with the closest header name as a hint.
func (t *Template) CheckFields(names []string) error {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, p := range t.fields {
		if have[p.name] {
			continue
		}
		hint := ""
		if m := closest(p.name, names); m != "" {
			hint = "did you mean {" + m + "}?\n"
		}
		hint += fmt.Sprintf("the header names %s", strings.Join(quoteNames(names), " "))
		return hintAt(t.src, p.at, hint, "%s: the header has no field %q", p.text, p.name)
	}
	return nil
}

// quoteNames shows header names as replacement strings, at most 10.
func quoteNames(names []string) []string {
	out := make([]string, 0, min(len(names), 11))
	for k, n := range names {
		if k == 10 {
			out = append(out, "...")
			break
		}
		out = append(out, "{"+n+"}")
	}
	return out
}

// CheckWholeWords is GNU parallel's -m rule: a job's records replace {}
// as separate arguments, which pmap gives by repeating the word per record
// as -X does; that is the same only when the word is the replacement
// string alone. The error is an *Error at the first replacement string
// that shares its word with other text (pre{}post) or another one.
func (t *Template) CheckWholeWords() error {
	check := func(ph *placeholder, alone bool) error {
		if alone || ph == nil {
			return nil
		}
		return hintAt(t.src, ph.at, "use -X to repeat the word per record (pre{}post gives preapost prebpost), or make it a word of its own",
			"%s: with -m a record's replacement string must be a word of its own", ph.text)
	}
	for _, w := range t.words {
		if !w.repeat {
			continue
		}
		for _, p := range w.pieces {
			if err := check(p.ph, len(w.pieces) == 1); err != nil {
				return err
			}
		}
	}
	for _, g := range t.groups {
		if !g.repeat {
			continue
		}
		for _, p := range g.pieces {
			if err := check(p.ph, len(g.pieces) == 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// refuseSpaced refuses GNU parallel's positional string with white space
// after the number, {1 } or {1\n.}, which GNU reads as {1} and {1.}
// (its pattern is \{(-?\d+)\s*...\}); j is where the white space starts.
// Elsewhere such a group is text, so it is refused rather than read.
func (b *braces) refuseSpaced(i, j int, prevDollar bool) error {
	s := b.s
	if b.lenient || prevDollar || j >= len(s) || !isSpace(s[j]) {
		return nil
	}
	if _, ok, _ := fieldNumber(s[i+1 : j]); !ok {
		return nil
	}
	k := j
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	e := k
	for e < len(s) && contentByte(s[e]) {
		e++
	}
	if e >= len(s) || s[e] != '}' {
		return nil
	}
	if base, _ := splitModifier(s[k:e]); base != "" {
		return nil
	}
	want := "{" + s[i+1:j] + s[k:e] + "}"
	return hintAt(s, i, "write "+want+"; {{ is a literal {",
		"%q: white space inside a replacement string (GNU parallel reads it as %s)", s[i:e+1], want)
}

// isSpace is Perl's \s on bytes.
func isSpace(c byte) bool { return strings.IndexByte(perlSpace, c) >= 0 }

// perlSpace is what Perl's \s matches on bytes.
const perlSpace = " \t\n\v\f\r"
