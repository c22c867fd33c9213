package input

import "strings"

// skipEmpty drops records that are empty or white space only.
type skipEmpty struct{ src Source }

// SkipEmpty returns src without its empty and whitespace-only records: -r /
// --no-run-if-empty, so that a stray blank line does not run a command with
// an empty argument. Malformed records (Err set) are always kept, so that no
// bad input disappears silently.
func SkipEmpty(src Source) Source { return skipEmpty{src} }

// Next returns the next record that is not blank.
func (s skipEmpty) Next() (Record, error) {
	for {
		rec, err := s.src.Next()
		if err != nil || rec.Err != nil || !isBlank(rec.Raw) {
			return rec, err
		}
	}
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
