package template

import "strings"

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
