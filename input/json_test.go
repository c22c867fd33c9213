package input

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	in := strings.Join([]string{
		`{"id":1,"url":"http://x/?a=1&b=<2>"}`,  // 1: object
		``,                                      // 2: blank, skipped
		`  `,                                    // 3: blank, skipped
		`["a",1.50,true,null,{"k":"v"},[1,2]]`,  // 4: array
		`{"a":{"b":[10,{"c":"deep"}]}}`,         // 5: nested
		`{"a":1`,                                // 6: truncated
		`{"a":1} x`,                             // 7: trailing garbage
		`{"a":1}{"b":2}`,                        // 8: two values
		`"just a string"`,                       // 9: scalar
		`42`,                                    // 10: scalar
		"{\"a\":\"\xff\"}",                      // 11: invalid UTF-8
		`{'a':1}`,                               // 12: syntax
		`null`,                                  // 13: scalar null
		"\t{\"big\":12345678901234567890123}\r", // 14: whitespace around, big number
		`[]`,                                    // 15: empty array
	}, "\n") + "\n"
	type want struct {
		line   int64
		fields []string
		json   string // compact re-encoding of JSON, "" for none
		err    string
	}
	wants := []want{
		{line: 1, json: `{"id":1,"url":"http://x/?a=1&b=<2>"}`},
		{line: 4, fields: []string{"a", "1.50", "true", "null", `{"k":"v"}`, "[1,2]"}, json: `["a",1.50,true,null,{"k":"v"},[1,2]]`},
		{line: 5, json: `{"a":{"b":[10,{"c":"deep"}]}}`},
		{line: 6, err: "stdin line 6: invalid JSON: unexpected end of line"},
		{line: 7, err: "stdin line 7: invalid JSON: unexpected data after the value (at byte 9)"},
		{line: 8, err: "stdin line 8: invalid JSON: unexpected data after the value (at byte 8)"},
		{line: 9, err: "stdin line 9: invalid JSON: a line must be an object or an array, not a string"},
		{line: 10, err: "line 10: invalid JSON: a line must be an object or an array, not a number"},
		{line: 11, err: "stdin line 11: invalid JSON: invalid UTF-8"},
		{line: 12, err: "stdin line 12: invalid JSON: invalid character '\\'' looking for beginning of object key string (at byte 2)"},
		{line: 13, err: "not null"},
		{line: 14, json: `{"big":12345678901234567890123}`},
		{line: 15, fields: []string{}, json: `[]`},
	}
	recs := collect(t, NewJSON(NewDelimited(strings.NewReader(in), "\n", "stdin"), "stdin"))
	if len(recs) != len(wants) {
		t.Fatalf("got %d records (%q), want %d", len(recs), raws(recs), len(wants))
	}
	lines := strings.Split(in, "\n")
	for i, w := range wants {
		got := recs[i]
		if got.Line != w.line || got.Raw != strings.TrimSuffix(lines[w.line-1], "\r") {
			t.Errorf("record %d: line %d raw %q, want line %d", i, got.Line, got.Raw, w.line)
		}
		if w.err != "" {
			if got.Err == nil || !strings.Contains(got.Err.Error(), w.err) || !errors.Is(got.Err, ErrInvalidJSON) {
				t.Errorf("record %d: Err = %v, want %q", i, got.Err, w.err)
			}
			if got.JSON != nil || got.Fields != nil {
				t.Errorf("record %d: bad line has JSON %v fields %q", i, got.JSON, got.Fields)
			}
			continue
		}
		if got.Err != nil {
			t.Errorf("record %d: unexpected Err %v", i, got.Err)
			continue
		}
		if !reflect.DeepEqual(got.Fields, w.fields) {
			t.Errorf("record %d: fields %q, want %q", i, got.Fields, w.fields)
		}
		if s := render(got.JSON); s != w.json {
			t.Errorf("record %d: JSON %s, want %s", i, s, w.json)
		}
	}
	if _, ok := recs[0].JSON.(map[string]any); !ok || recs[0].Fields != nil {
		t.Errorf("object: JSON %T fields %q", recs[0].JSON, recs[0].Fields)
	}
	if n, _ := recs[0].JSON.(map[string]any)["id"].(json.Number); n != "1" {
		t.Errorf("numbers are not json.Number: %T", recs[0].JSON.(map[string]any)["id"])
	}
}

func TestJSONOtherDelimiter(t *testing.T) {
	recs := collect(t, NewJSON(NewDelimited(strings.NewReader("{\"a\":\n1}\x00[2]"), "\x00", "f"), "f"))
	if len(recs) != 2 || recs[0].Err != nil || render(recs[0].JSON) != `{"a":1}` || recs[1].Fields[0] != "2" {
		t.Fatalf("got %+v", recs)
	}
}

func TestLookup(t *testing.T) {
	var v any
	dec := json.NewDecoder(strings.NewReader(`{"a":{"b":"x y","n":1.0e3,"t":true,"z":null,"arr":[5,"s",{"q":[7]}]},
		"dotted.key":"dk","dotted":{"key":"nested"},"html":"<&>","e":"","o":{"k":[1, 2 ]}}`))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"a.b", "x y", true},
		{"a.n", "1.0e3", true}, // number text as written
		{"a.t", "true", true},
		{"a.z", "null", true},
		{"a.arr.0", "5", true},
		{"a.arr.1", "s", true},
		{"a.arr.2.q.0", "7", true},
		{"a.arr", `[5,"s",{"q":[7]}]`, true},
		{"o", `{"k":[1,2]}`, true}, // compact
		{"html", "<&>", true},
		{"e", "", true},
		{"dotted.key", "nested", true}, // nested wins over the dotted key: shorter first
		{"a.arr.3", "", false},
		{"a.arr.-1", "", false},
		{"a.arr.x", "", false},
		{"a.arr.01", "s", true},
		{"a.missing", "", false},
		{"a.b.c", "", false},
		{"nope", "", false},
		{"a..b", "", false},
	}
	for _, tt := range tests {
		got, ok := Lookup(v, tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := Lookup(map[string]any{"a.b": "only dotted"}, "a.b"); !ok || got != "only dotted" {
		t.Errorf("dotted key: %q %v", got, ok)
	}
	if got, ok := Lookup([]any{"x", []any{"y"}}, "1.0"); !ok || got != "y" {
		t.Errorf("array root: %q %v", got, ok)
	}
	if got, ok := Lookup("s", ""); !ok || got != "s" {
		t.Errorf("empty path: %q %v", got, ok)
	}
	if _, ok := Lookup(nil, "a"); ok {
		t.Errorf("nil value resolved a path")
	}
}

// TestLookupLinear: a lookup costs time linear in the path, whatever keys
// the data has (no backtracking over ways of cutting the path).
func TestLookupLinear(t *testing.T) {
	v := any("leaf")
	for range 200 {
		v = map[string]any{"": v, ".": v, "..": v}
	}
	path := strings.Repeat(".", 150) + "x"
	if got := testing.AllocsPerRun(1, func() { Lookup(v, path) }); got > 1000 {
		t.Fatalf("%v allocations", got)
	}
	if s, ok := Lookup(map[string]any{"a": map[string]any{"b.c": "x"}}, "a.b.c"); !ok || s != "x" {
		t.Fatalf("dotted key at the end: %q %v", s, ok)
	}
}
