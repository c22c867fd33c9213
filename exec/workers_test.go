package exec

import "testing"

func TestParseWorkers(t *testing.T) {
	tests := []struct {
		in   string
		want int
		bad  bool
	}{
		{"auto", 4, false}, {"", 4, false}, {"3", 3, false}, {"50%", 2, false}, {"10%", 1, false},
		{"150%", 6, false}, {"+2", 6, false}, {"-1", 3, false}, {"-10", 1, false},
		{"0", AllWorkers(), false}, {"x", 0, true}, {"%", 0, true}, {"+x", 0, true}, {"-0%", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseWorkers(tt.in, 4)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseWorkers(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}
