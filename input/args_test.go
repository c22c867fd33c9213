package input

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		args     []string
		template []string
		sources  []Spec
		err      string
	}{
		{args: nil},
		{args: []string{"echo", "{}"}, template: []string{"echo", "{}"}},
		{
			args:     []string{"echo", "{}", ":::", "a", "b", ":::+", "1", "2", "::::", "f.txt"},
			template: []string{"echo", "{}"},
			sources:  []Spec{{Values: []string{"a", "b"}}, {Values: []string{"1", "2"}, Linked: true}, {File: "f.txt"}},
		},
		{
			args:    []string{"::::", "a", "-", "::::+", "b", "c", ":::", "x"},
			sources: []Spec{{File: "a"}, {File: "-"}, {File: "b", Linked: true}, {File: "c", Linked: true}, {Values: []string{"x"}}},
		},
		// GNU: a linked separator first links to nothing.
		{args: []string{"cmd", ":::+", "a"}, template: []string{"cmd"}, sources: []Spec{{Values: []string{"a"}}}},
		{args: []string{"::::+", "f"}, sources: []Spec{{File: "f"}}},
		// Values may look like anything but a separator.
		{args: []string{"sh", "-c", "x", ":::", "", "-v", "::::::", "{}"}, template: []string{"sh", "-c", "x"},
			sources: []Spec{{Values: []string{"", "-v", "::::::", "{}"}}}},
		{args: []string{"echo", ":::"}, err: "::: needs at least one value"},
		{args: []string{"echo", ":::", "a", ":::+"}, err: ":::+ needs at least one value"},
		{args: []string{":::", ":::", "a"}, err: "::: needs at least one value"},
		{args: []string{"::::"}, err: ":::: needs at least one file"},
		{args: []string{"::::+", ":::", "a"}, err: "::::+ needs at least one file"},
		{args: []string{"::::", ""}, err: "empty file name"},
	}
	for _, tt := range tests {
		tmpl, srcs, err := SplitArgs(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || strings.HasPrefix(err.Error(), "pmap") {
				t.Errorf("SplitArgs(%q) error = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(tmpl, tt.template) || !reflect.DeepEqual(srcs, tt.sources) {
			t.Errorf("SplitArgs(%q) = %q, %+v, %v; want %q, %+v", tt.args, tmpl, srcs, err, tt.template, tt.sources)
		}
	}
}

// TestSplitArgsNoAliasing: the result does not share memory with args.
func TestSplitArgsNoAliasing(t *testing.T) {
	args := []string{"echo", ":::", "a"}
	tmpl, srcs, _ := SplitArgs(args)
	args[0], args[2] = "X", "Y"
	if tmpl[0] != "echo" || srcs[0].Values[0] != "a" {
		t.Fatal("SplitArgs result aliases its argument")
	}
}
