package input

import "strings"

// trimSides reads a --trim value: which sides of a record (and of a
// --colsep field) lose their white space. "" and "n" trim no record.
func trimSides(trim string) (left, right bool) {
	return strings.Contains(trim, "l"), strings.Contains(trim, "r")
}

// trimSpace removes Perl's \s (what GNU parallel's --trim removes) from
// the chosen sides of s.
func trimSpace(s string, left, right bool) string {
	if left {
		s = strings.TrimLeft(s, perlSpace)
	}
	if right {
		s = strings.TrimRight(s, perlSpace)
	}
	return s
}

// trimmer is --trim l, r or lr: every record's Raw trimmed, before it is
// split into fields.
type trimmer struct {
	src         Source
	left, right bool
}

// Next returns the next record of src, trimmed.
func (t *trimmer) Next() (Record, error) {
	rec, err := t.src.Next()
	if err == nil && rec.Err == nil {
		rec.Raw = trimSpace(rec.Raw, t.left, t.right)
	}
	return rec, err
}
