package main

import (
	"slices"
	"testing"
)

// TestHeaderValue: --header takes GNU parallel's value (a number, ":", or
// with --pipe/--pipepart anywhere among the options a REGEX), and a bare
// --header stays pmap's "the first record names the fields" before a
// command word.
func TestHeaderValue(t *testing.T) {
	for _, tt := range []struct{ args, want []string }{
		{[]string{"pmap", "--header", "echo", "{a}"}, []string{"pmap", "--header=:", "echo", "{a}"}},
		{[]string{"pmap", "--header", ":", "echo"}, []string{"pmap", "--header=:", "echo"}},
		{[]string{"pmap", "--header", "2", "--pipe", "wc"}, []string{"pmap", "--header=2", "--pipe", "wc"}},
		{[]string{"pmap", "--pipe", "--header", `x.*\n`, "wc"}, []string{"pmap", "--pipe", `--header=x.*\n`, "wc"}},
		{[]string{"pmap", "--header", "x", "--block", "1k", "--pipe", "wc"}, []string{"pmap", "--header=x", "--block", "1k", "--pipe", "wc"}},
		{[]string{"pmap", "--header", "x", "--pipepart", "-a", "f", "wc"}, []string{"pmap", "--header=x", "--pipepart", "-a", "f", "wc"}},
		{[]string{"pmap", "--header", "grep", "-x", "--pipe"}, []string{"pmap", "--header=:", "grep", "-x", "--pipe"}},
		{[]string{"pmap", "--header=3", "--pipe", "wc"}, []string{"pmap", "--header=3", "--pipe", "wc"}},
	} {
		got, given := normalizeArgs(tt.args, allFlags())
		if !slices.Equal(got, tt.want) || !given["header"] {
			t.Errorf("normalizeArgs(%q) = %q (header given: %v), want %q", tt.args, got, given["header"], tt.want)
		}
	}
}
