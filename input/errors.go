package input

import (
	"errors"
	"fmt"
)

// ErrInvalidJSON is wrapped by the Err of a --json record that is not a
// JSON object or array, so callers can tell bad input from other failures
// with errors.Is.
var ErrInvalidJSON = errors.New("invalid JSON")

// ErrInvalidCSV is wrapped by the Err of a --csv record whose quoting is
// malformed, for the same reason as ErrInvalidJSON.
var ErrInvalidCSV = errors.New("invalid CSV")

// RecordError is the Err of a malformed record. It names the source and the
// line so that the failure record a user sees points at the input to fix.
type RecordError struct {
	// Source is "stdin", a file path, or ":::" for command-line values.
	Source string
	// Line is the 1-based line (or record, or ::: value) number in Source.
	Line int64
	// Err says what is wrong; it wraps ErrInvalidJSON or ErrInvalidCSV.
	Err error
}

// Error formats the error as "SOURCE line N: reason" (for ::: values,
// "::: value N: reason", since command-line values have no lines).
func (e *RecordError) Error() string {
	if e.Source == valuesName {
		return fmt.Sprintf("::: value %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("%s line %d: %v", e.Source, e.Line, e.Err)
}

// Unwrap returns the reason, so errors.Is(err, ErrInvalidJSON) works.
func (e *RecordError) Unwrap() error { return e.Err }
