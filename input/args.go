package input

import (
	"errors"
	"fmt"
	"slices"
)

// The argument-list separators, as in GNU parallel.
const (
	sepValues       = ":::"
	sepValuesLinked = ":::+"
	sepFiles        = "::::"
	sepFilesLinked  = "::::+"
)

// Spec describes one input source given on the command line.
type Spec struct {
	// Values are the records of a ::: source; nil for a file source.
	Values []string
	// File is the file of a :::: or -a source; "-" is standard input.
	File string
	// Linked is set for :::+ and ::::+: the source is zipped with the one
	// before it (pairwise, the shortest wins) instead of multiplied.
	Linked bool
}

// isFile reports whether s reads a file rather than command-line values.
func (s Spec) isFile() bool { return s.Values == nil }

// name is how the source is named in error messages.
func (s Spec) name() string {
	switch {
	case !s.isFile():
		return valuesName
	case s.File == "-":
		return "stdin"
	}
	return s.File
}

// SplitArgs splits the positional words after pmap's options into the
// command template and the input sources: `echo {} ::: a b :::+ 1 2 ::::
// f.txt` gives the template [echo {}] and three Specs. Everything after the
// first separator belongs to the sources, so a template word can never be
// taken for a value or the other way round.
//
// ::: and :::+ start one source of values; :::: and ::::+ name files, each
// its own source ("-" is stdin), and with ::::+ every file of the group is
// linked, as in GNU parallel. A separator with nothing after it is an error
// (GNU parallel ignores it, but it is almost always an empty shell glob,
// which should not quietly run nothing). A linked separator before the first
// source links to nothing and acts as the plain one, as in GNU parallel.
// sources is nil when there are no separators: read stdin or -a files.
func SplitArgs(args []string) (template []string, sources []Spec, err error) {
	return SplitArgsWith(args, DefaultSeparators)
}

// Separators are the words that start input sources, each also with a +
// for its linked form: GNU parallel's ::: and :::: unless --arg-sep and
// --arg-file-sep name others. Values and Files must differ.
type Separators struct{ Values, Files string }

// DefaultSeparators are ::: and ::::.
var DefaultSeparators = Separators{Values: sepValues, Files: sepFiles}

// isSep reports whether w is one of the separators.
func (s Separators) isSep(w string) bool {
	switch w {
	case s.Values, s.Values + "+", s.Files, s.Files + "+":
		return true
	}
	return false
}

// SplitArgsWith is SplitArgs with the separators seps (--arg-sep,
// --arg-file-sep): with other separators, ::: and :::: are plain words.
func SplitArgsWith(args []string, seps Separators) (template []string, sources []Spec, err error) {
	isSep := seps.isSep
	i := 0
	for i < len(args) && !isSep(args[i]) {
		i++
	}
	if i > 0 {
		template = slices.Clone(args[:i])
	}
	for i < len(args) {
		sep := args[i]
		i++
		j := i
		for j < len(args) && !isSep(args[j]) {
			j++
		}
		words := args[i:j]
		i = j
		linked := sep == seps.Values+"+" || sep == seps.Files+"+"
		if sep == seps.Values || sep == seps.Values+"+" {
			if len(words) == 0 {
				return nil, nil, fmt.Errorf("%s needs at least one value", sep)
			}
			sources = append(sources, Spec{Values: slices.Clone(words), Linked: linked})
			continue
		}
		if len(words) == 0 {
			return nil, nil, fmt.Errorf("%s needs at least one file", sep)
		}
		for _, f := range words {
			if f == "" {
				return nil, nil, errors.New(sep + " got an empty file name")
			}
			sources = append(sources, Spec{File: f, Linked: linked})
		}
	}
	if len(sources) > 0 {
		sources[0].Linked = false
	}
	return template, sources, nil
}

// isSep reports whether w is one of the default separators.
func isSep(w string) bool { return DefaultSeparators.isSep(w) }
