package input

import "testing"

func TestParseDelimiter(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: ",", want: ","},
		{in: "XY", want: "XY"},
		{in: `\t`, want: "\t"},
		{in: `\n`, want: "\n"},
		{in: `\r\n`, want: "\r\n"},
		{in: `\0`, want: "\x00"},
		{in: `\\`, want: `\`},
		{in: `\x41`, want: "A"},
		{in: `\xfF`, want: "\xff"},
		{in: `a\tb`, want: "a\tb"},
		{in: "é", want: "é"},
		{in: "", wantErr: true},
		{in: `\`, wantErr: true},
		{in: `a\`, wantErr: true},
		{in: `\q`, wantErr: true},
		{in: `\x4`, wantErr: true},
		{in: `\x`, wantErr: true},
		{in: `\xZZ`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseDelimiter(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseDelimiter(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDelimiter(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
