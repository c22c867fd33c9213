package template

import (
	"strconv"
	"strings"
)

// plusSuffixes are GNU parallel's --plus path forms, longest first so that
// {/...} is not read as {/..} of a name ending in '.'. pmap reads them with
// or without --plus: without it GNU passes them through as text, which is
// never what a user who typed one meant.
var plusSuffixes = []struct {
	suffix string
	mod    modifier
}{
	{"/...", modBaseNoExt3},
	{"+...", modExt3},
	{"...", modNoExt3},
	{"/..", modBaseNoExt2},
	{"+..", modExt2},
	{"..", modNoExt2},
	{"+.", modExt},
	{"+/", modPlusDir},
}

// applyPlus applies a --plus modifier exactly as GNU parallel's Perl does;
// ok is false for the classic modifiers (applyMod). Every result is a
// substring of s, so it never allocates.
func applyPlus(s string, m modifier) (string, bool) {
	switch m {
	case modPlusDir: // s:/[^/]*$:: || s:.*$::
		if i := strings.LastIndexByte(s, '/'); i >= 0 {
			return s[:i], true
		}
		return "", true
	case modExt: // s:.*\.:: || s:.*$::
		if i := strings.LastIndexByte(s, '.'); i >= 0 {
			return s[i+1:], true
		}
		return "", true
	case modExt2, modExt3: // s:.*\.([^/.]+\.[^/.]+)$:$1: || s:.*$::
		if i := extStart(s, extCount(m)); i >= 0 {
			return s[i+1:], true
		}
		return "", true
	case modNoExt2, modNoExt3: // s:\.[^/.]+\.[^/.]+$::
		return cutExt(s, extCount(m)), true
	case modBaseNoExt2, modBaseNoExt3: // s:.*/::; then as {..}
		return cutExt(base(s), extCount(m)), true
	}
	return s, false
}

// extCount is how many extensions a --plus modifier takes or removes.
func extCount(m modifier) int {
	if m == modExt3 || m == modNoExt3 || m == modBaseNoExt3 {
		return 3
	}
	return 2
}

// cutExt removes the last n extensions when s has that many, else keeps s.
func cutExt(s string, n int) string {
	if i := extStart(s, n); i >= 0 {
		return s[:i]
	}
	return s
}

// extStart is the index of the '.' that starts the last n extensions of s
// (each one or more bytes, holding no '.' or '/'), or -1 when s has fewer.
func extStart(s string, n int) int {
	end := len(s)
	for k := 0; k < n; k++ {
		d := strings.LastIndexByte(s[:end], '.')
		if d < 0 || d+1 == end || strings.IndexByte(s[d+1:end], '/') >= 0 {
			return -1
		}
		end = d
	}
	return end
}

// parseSubstr reads GNU parallel's --plus {:from} and {:from:length}, on
// the record or a positional field ({2:1:3}); ok is false for anything
// else ({1:-x} is a default, read before this).
func parseSubstr(c string) (*placeholder, bool) {
	colon := strings.IndexByte(c, ':')
	if colon < 0 {
		return nil, false
	}
	from, rest, _ := strings.Cut(c[colon+1:], ":")
	f, ok1 := smallNumber(from)
	l, ok2 := -1, true
	if len(rest) > 0 || strings.Count(c[colon+1:], ":") == 1 {
		l, ok2 = smallNumber(rest)
	}
	if !ok1 || !ok2 {
		return nil, false
	}
	p := &placeholder{kind: kRecord, perRecord: true, sub: true, from: f, length: l}
	if colon > 0 {
		n, ok, err := fieldNumber(c[:colon])
		if !ok || err != nil {
			return nil, false
		}
		p.kind, p.n, p.perRecord = kField, n, false
	}
	return p, true
}

// smallNumber parses digits up to maxField.
func smallNumber(s string) (int, bool) {
	if s == "" || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= maxField
}

// substr is Perl's substr(s, from, length) on bytes, as GNU's {:from:length}
// does: empty past the end; length -1 takes the rest.
func substr(s string, from, length int) string {
	if from >= len(s) {
		return ""
	}
	s = s[from:]
	if length >= 0 && length < len(s) {
		s = s[:length]
	}
	return s
}

// appendPadded appends seq zero-padded to the width of total ({0#}).
func appendPadded(dst []byte, seq, total int64) []byte {
	digits := len(strconv.FormatInt(total, 10))
	num := strconv.FormatInt(seq, 10)
	for k := len(num); k < digits; k++ {
		dst = append(dst, '0')
	}
	return append(dst, num...)
}
