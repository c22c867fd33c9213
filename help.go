package main

import (
	"bufio"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// helpWidth is the width --help is wrapped to, and helpColumn where the
// descriptions of the options start.
const (
	helpWidth  = 80
	helpColumn = 26
)

const helpIntro = `pmap runs a command for every input record, in parallel, and writes the
results in input order.

Usage:
  pmap [options] [--] [template ...] [::: values ...] [:::: files ...]
  command | pmap [options] [template ...]
  pmap --help | --version | --completion bash|zsh|fish

Options go before the template: the first word that is not an option starts
the template, and everything after it belongs to the command (pmap -n 2 grep
-v x gives -v to grep). Write -- before a template that starts with a dash.
Every long option can also be set as PMAP_<NAME> (PMAP_WORKERS=8, --dry-run
is PMAP_DRY_RUN=1); the command line wins. Not those that change what the
template means (--worker, --pipe, -X, -N, --json, --csv, --tsv, --header,
--colsep, --retry-failed): they come from the command line only.
`

const helpExamples = `Examples:
  find . -name '*.log' | pmap gzip -9              # one job per CPU
  pmap -n 4 'convert {} -resize 50% thumbs/{/.}.png' ::: *.jpg
  pmap 'echo {1}-{2}' ::: a b ::: 1 2              # a-1 a-2 b-1 b-2
  pmap --csv --header 'wget -O {name}.html {url}' < sites.csv
  jq -c '.[]' jobs.json | pmap --json --format json 'curl -sf {url}' > out.jsonl
  pmap --dry-run 'mv {} {.}.bak' ::: *.txt         # see the commands first
  pmap -n 8 ./process.sh :::: inputs.txt > log    # progress on the terminal

Replacement strings: {} record, {.} without extension, {/} basename,
{//} dirname, {/.} basename without extension, {#} job number, {%} slot,
{1}..{n} fields or sources, {name} named fields, {{ and }} literal braces.
The manual has everything: man pmap (or man -l man/pmap.1).
`

// writeHelp prints --help: the usage, the options grouped by category in
// the order Input, Template, Running, Output (the order of the manual),
// each group in the order flags.go defines them, then examples.
func writeHelp(w io.Writer, fl []cli.Flag) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	bw.WriteString(helpIntro)
	order := []string{"", catInput, catTemplate, catRunning, catOutput}
	groups := map[string][]cli.Flag{}
	for _, f := range fl {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue // accepted for GNU parallel scripts, not pmap's own
		}
		cat := ""
		if c, ok := f.(cli.CategorizableFlag); ok {
			cat = c.GetCategory()
		}
		if !slices.Contains(order, cat) {
			order = append(order, cat) // a category of a later feature
		}
		groups[cat] = append(groups[cat], f)
	}
	for _, cat := range order {
		if len(groups[cat]) == 0 {
			continue
		}
		bw.WriteString("\n")
		if cat != "" {
			bw.WriteString(cat + ":\n")
		}
		for _, f := range groups[cat] {
			spec, usage := helpEntry(f)
			writeWrapped(bw, "  "+spec, usage)
		}
	}
	bw.WriteString("\n" + helpExamples)
}

// helpEntry is an option's left column (-n, -j, --workers N) and its
// description with its default.
func helpEntry(f cli.Flag) (spec, usage string) {
	d := f.(cli.DocGenerationFlag)
	placeholder, usage := unquoteUsage(d.GetUsage())
	var short, long []string
	for _, n := range f.Names() {
		if slices.Contains(hiddenAliases, n) {
			continue
		}
		if len(n) == 1 {
			short = append(short, "-"+n)
		} else {
			long = append(long, "--"+n)
		}
	}
	spec = strings.Join(append(short, long...), ", ")
	if d.TakesValue() {
		if placeholder == "" {
			placeholder = "VALUE"
		}
		spec += " " + placeholder
		if v := d.GetValue(); v != "" {
			usage += " (default " + v + ")"
		}
	}
	return spec, usage
}

// writeWrapped writes an option line: spec, then the description from
// helpColumn on, wrapped at helpWidth with the continuation lines indented.
func writeWrapped(w *bufio.Writer, spec, text string) {
	line := spec
	if len(spec) >= helpColumn-1 {
		w.WriteString(spec + "\n")
		line = ""
	}
	indent := strings.Repeat(" ", helpColumn)
	line += strings.Repeat(" ", helpColumn-len(line))
	start := true
	for _, word := range strings.Fields(text) {
		if !start && len(line)+1+len(word) > helpWidth {
			w.WriteString(line + "\n")
			line, start = indent, true
		}
		if !start {
			line += " "
		}
		line += word
		start = false
	}
	w.WriteString(line + "\n")
}

// unquoteUsage splits a flag's usage into the placeholder of its value, the
// word in backquotes, and the text without the backquotes.
func unquoteUsage(usage string) (placeholder, text string) {
	before, rest, ok := strings.Cut(usage, "`")
	if !ok {
		return "", usage
	}
	name, after, ok := strings.Cut(rest, "`")
	if !ok {
		return "", usage
	}
	return name, before + name + after
}

// optSpelling is how an option name is typed: --arg-file for arg-file, -a
// for a.
func optSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
