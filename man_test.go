package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// manPage is man/pmap.1 cut into its .SH sections and, for OPTIONS, its .SS
// subsections.
type manPage struct {
	raw      string
	order    []string          // .SH names in order
	sections map[string]string // .SH name -> body
	subOrder []string          // .SS names under OPTIONS, in order
	// headings are the .TP tags of OPTIONS: one entry per option paragraph,
	// with the subsection it is in ("" before the first .SS) and the options
	// it names ("-n", "--workers").
	headings []manHeading
}

type manHeading struct {
	sub  string
	line int
	opts []string
}

// manOption matches an option as roff spells it: \-x or \-\-long\-name.
var manOption = regexp.MustCompile(`\\-(\\-)?([A-Za-z0-9](?:[A-Za-z0-9]|\\-)*)`)

// roffOptions returns the options named in roff text, unescaped: "--arg-file".
func roffOptions(s string) []string {
	var out []string
	for _, m := range manOption.FindAllStringSubmatch(s, -1) {
		dashes := "-"
		if m[1] != "" {
			dashes = "--"
		}
		out = append(out, dashes+strings.ReplaceAll(m[2], `\-`, "-"))
	}
	return out
}

func readManPage(t *testing.T) *manPage {
	t.Helper()
	data, err := os.ReadFile("man/pmap.1")
	if err != nil {
		t.Fatalf("the manual is missing: %v", err)
	}
	p := &manPage{raw: string(data), sections: map[string]string{}}
	lines := strings.Split(string(data), "\n")
	sec, sub := "", ""
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, ".SH "):
			sec = strings.Trim(strings.TrimSpace(l[4:]), `"`)
			sub = ""
			p.order = append(p.order, sec)
			continue
		case strings.HasPrefix(l, ".SS ") && sec == "OPTIONS":
			sub = strings.Trim(strings.TrimSpace(l[4:]), `"`)
			p.subOrder = append(p.subOrder, sub)
		case sec == "OPTIONS" && i > 0 && strings.HasPrefix(lines[i-1], ".TP"):
			p.headings = append(p.headings, manHeading{sub: sub, line: i + 1, opts: roffOptions(l)})
		}
		if sec != "" {
			p.sections[sec] += l + "\n"
		}
	}
	return p
}

// knownOptions maps every option spelling pmap accepts to its flag's
// category: flags() plus the info flags (--help, --version, --completion),
// which have none.
func knownOptions() map[string]string {
	known := map[string]string{}
	for _, f := range allFlags() {
		cat := ""
		if c, ok := f.(cli.CategorizableFlag); ok {
			cat = c.GetCategory()
		}
		for _, n := range f.Names() {
			known[optSpelling(n)] = cat
		}
	}
	return known
}

// TestManPage keeps man/pmap.1 in step with the command line: every option
// and alias of flags() is documented in its category's subsection, every
// PMAP_<NAME> variable is listed, and the page documents no option that
// does not exist.
func TestManPage(t *testing.T) {
	p := readManPage(t)

	t.Run("sections", func(t *testing.T) {
		for _, want := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
			"REPLACEMENT STRINGS", "INPUT SOURCES", "BACKENDS", "OUTPUT", "RESULT RECORDS",
			"SIGNALS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "DIFFERENCES FROM GNU PARALLEL",
			"NOTES", "BUGS", "SEE ALSO"} {
			if _, ok := p.sections[want]; !ok {
				t.Errorf("no .SH %s section", want)
			}
		}
		cats := []string{catInput, catTemplate, catRunning, catOutput}
		if !slices.Equal(p.subOrder, cats) {
			t.Errorf("OPTIONS subsections are %q, want the categories of flags.go %q", p.subOrder, cats)
		}
	})

	t.Run("options", func(t *testing.T) {
		where := map[string][]manHeading{} // option -> headings naming it
		for _, h := range p.headings {
			for _, o := range h.opts {
				where[o] = append(where[o], h)
			}
		}
		for _, f := range flags() {
			cat := f.(cli.CategorizableFlag).GetCategory()
			names := f.Names()
			main := optSpelling(names[0])
			hs := where[main]
			if len(hs) == 0 {
				t.Errorf("%s is not documented under OPTIONS (want a .TP entry naming %s)", main, roffSpelling(main))
				continue
			}
			if len(hs) > 1 {
				t.Errorf("%s has %d entries under OPTIONS (lines %d and %d)", main, len(hs), hs[0].line, hs[1].line)
			}
			h := hs[0]
			if h.sub != cat {
				t.Errorf("%s (line %d) is under .SS %q; flags.go puts it in category %q", main, h.line, h.sub, cat)
			}
			for _, n := range names[1:] {
				if alias := optSpelling(n); !slices.Contains(h.opts, alias) {
					t.Errorf("%s's entry (line %d) does not name its alias %s (%s)", main, h.line, alias, roffSpelling(alias))
				}
			}
		}
		known := knownOptions()
		for _, h := range p.headings {
			for _, o := range h.opts {
				if _, ok := known[o]; !ok {
					t.Errorf("OPTIONS line %d documents %s, which pmap does not have", h.line, o)
				}
			}
		}
	})

	t.Run("help", func(t *testing.T) {
		// What --help prints, not only flags(): every option a user sees
		// there is documented, in the subsection of its --help group.
		where := map[string][]manHeading{}
		for _, h := range p.headings {
			for _, o := range h.opts {
				where[o] = append(where[o], h)
			}
		}
		listed := helpOptions(helpText(t))
		n := 0
		for cat, opts := range listed {
			for _, o := range opts {
				n++
				hs := where[o]
				switch {
				case len(hs) == 0:
					t.Errorf("--help lists %s, which OPTIONS does not document (want a .TP entry naming %s)", o, roffSpelling(o))
				case hs[0].sub != cat:
					t.Errorf("--help lists %s under %q, the manual under .SS %q (line %d)", o, cat, hs[0].sub, hs[0].line)
				}
			}
		}
		if n < len(flags()) {
			t.Errorf("found %d options in --help, fewer than the %d flags: is helpOption out of date?", n, len(flags()))
		}
	})

	t.Run("environment", func(t *testing.T) {
		env := p.sections["ENVIRONMENT"]
		has := func(v string) bool {
			return regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(v) + `($|[^A-Za-z0-9_])`).MatchString(env)
		}
		for _, f := range flags() {
			var want []string
			for _, n := range f.Names() {
				// A GNU alias has no variable, nor has a hidden flag.
				hidden := slices.Contains(hiddenAliases, n)
				if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
					hidden = true
				}
				if len(n) > 1 && !hidden || n == f.Names()[0] && isModeSwitch(f) {
					want = append(want, envName(n))
				}
			}
			if d, ok := f.(cli.DocGenerationFlag); ok {
				want = append(want, d.GetEnvVars()...)
			}
			slices.Sort(want)
			for _, v := range slices.Compact(want) {
				if !has(v) {
					t.Errorf("ENVIRONMENT does not name %s (for %s)", v, optSpelling(f.Names()[0]))
				}
			}
		}
		// Given to every job (exec/process.go), and the shell's variable.
		for _, v := range []string{"PMAP_SEQ", "PMAP_SLOT", "PMAP_KEY", "PMAP_SHELL", "TMPDIR"} {
			if !has(v) {
				t.Errorf("ENVIRONMENT does not name %s", v)
			}
		}
	})

	t.Run("exit status", func(t *testing.T) {
		body := p.sections["EXIT STATUS"]
		for _, code := range []int{exitOK, exitJobsFailed, exitUsage, exitHangup, exitInterrupted, exitQuit, exitTerminated, exitClosedPipe} {
			if !strings.Contains(body, fmt.Sprintf("\n.B %d\n", code)) {
				t.Errorf("EXIT STATUS has no entry for %d", code)
			}
		}
	})

	t.Run("not yet available", func(t *testing.T) {
		// BUGS lists options that are not built yet; none of them may exist.
		body := p.sections["BUGS"]
		i := strings.Index(body, "Not yet available")
		if i < 0 {
			return
		}
		para, _, _ := strings.Cut(body[i:], "\n.")
		known := knownOptions()
		for _, o := range roffOptions(para) {
			if _, ok := known[o]; ok {
				t.Errorf("BUGS says %s is not available yet, but flags.go has it", o)
			}
		}
	})

	t.Run("escaped hyphens", func(t *testing.T) {
		// An unescaped - renders as a typographic hyphen, which a reader
		// cannot paste into a shell: options must be written \-x, \-\-name.
		bare := regexp.MustCompile(`(^|[\s"(\[])--?[A-Za-z0-9]`)
		for i, l := range strings.Split(p.raw, "\n") {
			if strings.HasPrefix(l, `.\"`) {
				continue
			}
			if bare.MatchString(l) {
				t.Errorf("man/pmap.1:%d: unescaped hyphen before an option-like word: %s", i+1, l)
			}
		}
	})
}

// roffSpelling is how an option is written in the roff source.
func roffSpelling(opt string) string { return strings.ReplaceAll(opt, "-", `\-`) }
