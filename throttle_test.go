package main

import "testing"

func TestParseLoad(t *testing.T) {
	for _, tc := range []struct {
		in   string
		cpus int
		want float64
	}{
		{"2", 8, 2},
		{"0.5", 8, 0.5},
		{"100%", 8, 8},
		{"50%", 8, 4},
		{"150%", 2, 3},
	} {
		got, err := parseLoad(tc.in, tc.cpus)
		if err != nil || got != tc.want {
			t.Errorf("parseLoad(%q, %d) = %v, %v; want %v", tc.in, tc.cpus, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "0", "-1", "0%", "x", "NaN", "Inf", "%"} {
		if got, err := parseLoad(in, 4); err == nil {
			t.Errorf("parseLoad(%q) = %v, want an error", in, got)
		}
	}
}
