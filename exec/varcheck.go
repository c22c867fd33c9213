package exec

import (
	"fmt"
	"sort"

	"github.com/pmap-dev/pmap/input"
)

// A record's own field wins over a --var of the same name in the template
// ({name} is the field). Rather than let that hide the --var without a
// word, a name both give is an error: a header column stops the run before
// its first job (every job would be hit), a JSON field fails its job.

// varShadows checks rec against the --var names: the error for a header
// column of that name (fatal: every record has it), and the one for a JSON
// field of that name (this record only).
func (s *JobSource) varShadows(rec *input.Record) (fatal, field error) {
	if len(s.Vars) == 0 {
		return nil, nil
	}
	if h := rec.Header; h != nil && h != s.checked {
		s.checked = h
		for _, name := range sortedNames(s.Vars) {
			if h.Index(name) >= 0 {
				return fmt.Errorf("--var %s: the input's header has a column %q, which {%s} names instead; rename the --var", name, name, name), nil
			}
		}
	}
	if obj, ok := rec.JSON.(map[string]any); ok && rec.Err == nil {
		for _, name := range sortedNames(s.Vars) {
			if _, has := obj[name]; has {
				return nil, fmt.Errorf("the record's field %q would be used for {%s} instead of the --var (or --slot-var) %s; rename it", name, name, name)
			}
		}
	}
	return nil, nil
}

// sortedNames returns m's keys in order, so that the error named is the
// same on every run.
func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
