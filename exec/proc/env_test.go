package proc

import (
	"slices"
	"testing"
)

func TestBaseEnvDropsJobAndRunFileVars(t *testing.T) {
	in := []string{
		"PATH=/bin", "PMAP_SEQ=3", "PMAP_SLOT=1", "PMAP_KEY=k",
		"PMAP_JOBLOG=outer.log", "PMAP_RESULTS=r.jsonl", "PMAP_FAILED=f.txt",
		"PMAP_RESUME=1", "PMAP_RESUME_FAILED=1", "PMAP_ARG_FILE=in.txt",
		"PMAP_WORKERS=4", "PMAP_SHELL=bash", "PMAP_JOBLOGX=kept", "NOEQUALS",
	}
	want := []string{"PATH=/bin", "PMAP_WORKERS=4", "PMAP_SHELL=bash", "PMAP_JOBLOGX=kept", "NOEQUALS"}
	if got := BaseEnv(in); !slices.Equal(got, want) {
		t.Fatalf("BaseEnv = %q, want %q", got, want)
	}
}
