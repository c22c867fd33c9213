package input

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Lookup resolves a dotted path in a decoded JSON value, for the template's
// {a.b} and {a.0}: each dot-separated part is an object key or, in an array,
// a 0-based index. When that leads nowhere, an object key that itself
// contains dots is tried for the rest of the path ({"a.b":1} gives {a.b}).
// The empty path is v itself. ok is false when the path leads nowhere, so the template can fail
// the job instead of substituting nothing.
//
// The value is rendered for a command line: a string as is (no quotes), a
// number exactly as written in the input (json.Number), null as "null",
// true/false, and an object or array as compact JSON (object keys sorted,
// since decoding forgets their order; no HTML escaping of <, >, &).
func Lookup(v any, path string) (string, bool) {
	x, ok := lookup(v, path)
	if !ok {
		return "", false
	}
	return render(x), true
}

// LookupValue is Lookup without the rendering: the decoded value at path
// (nil for JSON null), for callers that tell null, arrays and strings apart.
func LookupValue(v any, path string) (any, bool) { return lookup(v, path) }

// Render turns a decoded JSON value into command-line text, as Lookup does.
func Render(v any) string { return render(v) }

func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	switch x := v.(type) {
	case map[string]any:
		head, rest, more := strings.Cut(path, ".")
		if val, ok := x[head]; ok {
			if !more {
				return val, true
			}
			if r, ok := lookup(val, rest); ok {
				return r, true
			}
		}
		if more {
			// A key that itself contains dots, ending the path. Only this
			// one fallback, so a lookup costs time linear in the path
			// rather than trying every way of cutting it.
			val, ok := x[path]
			return val, ok
		}
	case []any:
		head, rest, more := strings.Cut(path, ".")
		idx, ok := arrayIndex(head, len(x))
		if !ok {
			return nil, false
		}
		if !more {
			return x[idx], true
		}
		return lookup(x[idx], rest)
	}
	return nil, false
}

// arrayIndex parses a plain decimal index (no sign, no spaces) below n.
func arrayIndex(s string, n int) (int, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	idx, err := strconv.Atoi(s)
	if err != nil || idx >= n {
		return 0, false
	}
	return idx, true
}

// render turns a decoded JSON value into command-line text.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a value built by hand (NaN, a channel) gets here, never
		// one decoded from input.
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
