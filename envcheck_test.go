package main

import (
	"slices"
	"strings"
	"testing"
)

// TestEnvWarnings checks which PMAP_ variables get a warning: the
// variables of mode switches and of GNU aliases, and near misses of real
// ones; never pmap's own, empty ones, or the user's unrelated ones, and
// nothing inside a job of another pmap.
func TestEnvWarnings(t *testing.T) {
	fl := allFlags()
	warned := func(env ...string) []string {
		var names []string
		for _, w := range envWarnings(env, fl) {
			name, _, _ := strings.Cut(w, " ")
			names = append(names, name)
		}
		return names
	}
	quiet := []string{
		"PATH=/bin", "PMAP_WORKERS=4", "PMAP_SHELL=bash", "PMAP_SEQ=1", "PMAP_KEY=k",
		"PMAP_HOST=h", "PMAP_PROC=/proc", "PMAP_RUN_abc=3", "PMAP_HELP=1", "PMAP_VERSION=1",
		"PMAP_COMPLETION=bash", "PMAP_MY_TOOL_HOME=/x", "PMAP_WORKER=", "PMAP_DELIMITER=,",
	}
	if got := warned(quiet...); len(got) != 0 {
		t.Errorf("warned about %q", got)
	}
	loud := []string{
		"PMAP_WORKER=1", "PMAP_PIPE=1", "PMAP_X=1", "PMAP_MAX_ARGS=2", "PMAP_JSON=1", "PMAP_CSV=1",
		"PMAP_TSV=1", "PMAP_HEADER=1", "PMAP_COLSEP=,", "PMAP_RETRY_FAILED=1",
		"PMAP_JOBS=3", "PMAP_DRYRUN=1", "PMAP_LB=1", "PMAP_WOKRERS=2", "PMAP_TIMOUT=3",
	}
	got := warned(loud...)
	for _, kv := range loud {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(got, name) {
			t.Errorf("no warning for %s (got %q)", name, got)
		}
	}
	for _, w := range envWarnings([]string{"PMAP_WORKER=1", "PMAP_TIMOUT=3"}, fl) {
		if strings.HasPrefix(w, "PMAP_WORKER ") && !strings.HasSuffix(w, "did you mean PMAP_WORKERS?") ||
			strings.HasPrefix(w, "PMAP_TIMOUT ") && !strings.HasSuffix(w, "did you mean PMAP_TIMEOUT?") {
			t.Errorf("warning names no variable meant: %s", w)
		}
	}
	if got := warned(append(loud, "PMAP_SLOT=2")...); len(got) != 0 {
		t.Errorf("inside a job: warned about %q", got)
	}
}
