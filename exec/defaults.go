package exec

import "github.com/pmap-dev/pmap/input"

// applyDefaults gives a JSON object record the --default value of each
// field it lacks, or has as null or "": {flag} then expands to the default
// instead of failing the job. Only the decoded value changes; the record
// as read (Raw: result records, --failed, a --worker's line) stays exact.
func (s *JobSource) applyDefaults(rec *input.Record) {
	if len(s.Defaults) == 0 || rec.Err != nil {
		return
	}
	obj, ok := rec.JSON.(map[string]any)
	if !ok {
		return
	}
	for name, def := range s.Defaults {
		switch v, has := obj[name]; {
		case !has, v == nil, v == "":
			obj[name] = def
		}
	}
}
