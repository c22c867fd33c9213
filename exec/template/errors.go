package template

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Error is a template that cannot be compiled. It is a type, and Column a
// field, so that a caller can point at the mistake in a long command line
// (errors.As) without reading the message.
type Error struct {
	// Column is 1-based, in runes, in the template's words joined by
	// single spaces; 0 when the mistake has no one place (an empty command).
	Column int
	// Msg says what is wrong, without the location.
	Msg string
	// Hint says what to write instead, or is empty; it may hold several
	// lines.
	Hint string
	// Err is the sentinel this error is an instance of (ErrQuotedHereDoc),
	// or nil, so that errors.Is can recognise it.
	Err error
}

// Error returns the message, led by the column when there is one.
func (e *Error) Error() string {
	if e.Column <= 0 {
		return "template: " + e.Msg
	}
	return fmt.Sprintf("template column %d: %s", e.Column, e.Msg)
}

// Unwrap returns the sentinel error, if any.
func (e *Error) Unwrap() error { return e.Err }

// errAt builds a compile error at byte offset i of s.
func errAt(s string, i int, format string, args ...any) error {
	if i > len(s) {
		i = len(s)
	}
	return &Error{Column: utf8.RuneCountInString(s[:i]) + 1, Msg: fmt.Sprintf(format, args...)}
}

// ErrNoField is matched (errors.Is) by the error an expansion returns when a
// replacement string names a field or argument the record does not have.
// The job fails with it instead of running with an empty value: a command
// run with a silently missing argument (rm -rf dir/{name}) can do harm.
var ErrNoField = errors.New("record has no such field")

// fieldError says which field is missing and what the record has.
type fieldError struct {
	n    int    // field number, or 0 for a name
	name string // field name or JSON path
	have int    // number of fields the record has
	obj  bool   // the record is a JSON object (numbers do not apply)
}

func (e *fieldError) Error() string {
	switch {
	case e.name != "":
		return fmt.Sprintf("record has no field %q", e.name)
	case e.obj:
		return fmt.Sprintf("record has no field %d (it is a JSON object; use {name})", e.n)
	}
	return fmt.Sprintf("record has no field %d (it has %d)", e.n, e.have)
}

func (e *fieldError) Is(target error) bool { return target == ErrNoField }
