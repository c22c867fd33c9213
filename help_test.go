package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/template"
	"github.com/urfave/cli/v2"
)

// helpText runs pmap --help.
func helpText(t *testing.T) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"pmap", "--help"}, strings.NewReader(""), &out, &errb); code != 0 || errb.Len() > 0 {
		t.Fatalf("pmap --help: exit %d, stderr %q", code, errb.String())
	}
	return out.String()
}

// helpOption matches an option line of --help: its spellings, up to the
// placeholder or the description.
var helpOption = regexp.MustCompile(`^  (-[-\w]+(?:, -[-\w]+)*)`)

// helpOptions returns the options --help lists, by the category heading
// they are under ("" before the first).
func helpOptions(help string) map[string][]string {
	byCat := map[string][]string{}
	cat := ""
	for _, l := range strings.Split(help, "\n") {
		if strings.HasPrefix(l, "Examples:") {
			break
		}
		if h, ok := strings.CutSuffix(l, ":"); ok && !strings.HasPrefix(l, " ") && !strings.Contains(h, " ") {
			cat = h
			if cat == "Usage" {
				cat = "" // -h and -V follow the usage, in no group
			}
			continue
		}
		if m := helpOption.FindStringSubmatch(l); m != nil {
			byCat[cat] = append(byCat[cat], strings.Split(m[1], ", ")...)
		}
	}
	return byCat
}

// TestHelp checks that --help lists every option in its category, the
// categories in the manual's order, and ends with examples.
func TestHelp(t *testing.T) {
	help := helpText(t)
	last := -1
	for _, cat := range []string{catInput, catTemplate, catRunning, catOutput, "Examples"} {
		i := strings.Index(help, "\n"+cat+":\n")
		if i < 0 {
			t.Fatalf("--help has no %s: heading", cat)
		}
		if i < last {
			t.Errorf("--help shows %s out of order (want Input, Template, Running, Output, Examples)", cat)
		}
		last = i
	}
	listed := helpOptions(help)
	for _, f := range allFlags() {
		cat := ""
		if c, ok := f.(cli.CategorizableFlag); ok {
			cat = c.GetCategory()
		}
		hidden := false
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			hidden = true
		}
		for _, n := range f.Names() {
			found := false
			for _, o := range listed[cat] {
				found = found || o == optSpelling(n)
			}
			if h := hidden || slices.Contains(hiddenAliases, n); h || found {
				if h && found {
					t.Errorf("--help lists %s, a GNU spelling it keeps hidden", optSpelling(n))
				}
				continue
			}
			if !found {
				t.Errorf("--help does not list %s under %q", optSpelling(n), cat)
			}
		}
	}
	for i, l := range strings.Split(help, "\n") {
		if len(l) > helpWidth && !strings.HasPrefix(l, "  pmap ") && !strings.Contains(l, "|") {
			t.Errorf("--help line %d is %d columns wide: %q", i+1, len(l), l)
		}
	}
}

func TestSuggest(t *testing.T) {
	fl := allFlags()
	cases := map[string]string{
		"--timout":    "did you mean --timeout?",
		"-timeout":    "did you mean --timeout?",
		"--prog":      "did you mean --progress?",
		"--retires=2": "did you mean --retries?",
		"--sshlogin":  "did you mean --ssh? (--sshlogin is xargs' or GNU parallel's spelling)",
		"-S8":         "did you mean --ssh? (-S is xargs' or GNU parallel's spelling)",
		"--citation":  "pmap prints no citation notice: drop the option",
		"--jobz":      "did you mean --workers?", // closest to --jobs, a hidden alias
		"--linebufer": "did you mean --line-buffer?",
		"--zzzzzz":    "",
		"-q":          "",
		"--re":        "", // --results, --resume, --retries...: no unique prefix, nothing close
	}
	for typed, want := range cases {
		if got := suggest(typed, fl); got != want {
			t.Errorf("suggest(%q) = %q, want %q", typed, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"timout", "timeout", 1}, {"kitten", "sitting", 3}, {"abc", "", 3}, {"héllo", "hello", 1}, {"tiemout", "timeout", 1}} {
		if got := template.TypoDistance(c.a, c.b); got != c.d {
			t.Errorf("TypoDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
