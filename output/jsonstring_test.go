package output

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
	"unicode/utf8"
)

// chunks splits p at random points, as a job's output arrives.
func chunks(rng *rand.Rand, p []byte) [][]byte {
	var out [][]byte
	for len(p) > 0 {
		n := 1 + rng.Intn(len(p))
		out = append(out, p[:n])
		p = p[n:]
	}
	return out
}

func TestStreamingJSONOutput(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "€", "𝄞", "<&>", "\xff", "\xe2\x82", "\xc3"}
	for i := 0; i < 5000; i++ {
		var in []byte
		for k := rng.Intn(12); k > 0; k-- {
			in = append(in, alphabet[rng.Intn(len(alphabet))]...)
		}
		var check utf8Checker
		var out bytes.Buffer
		esc := &escapeWriter{w: &out}
		for _, c := range chunks(rng, in) {
			check.Write(c)
			esc.Write(c)
		}
		if check.valid() != utf8.Valid(in) {
			t.Fatalf("%q: checker says valid=%v", in, check.valid())
		}
		if !utf8.Valid(in) {
			continue
		}
		var back string
		if err := json.Unmarshal([]byte(`"`+out.String()+`"`), &back); err != nil || back != string(in) {
			t.Fatalf("%q escaped as %q: %q %v", in, out.String(), back, err)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "<&>", "ctl\x01\x7f", "é€𝄞"} {
		var back string
		if err := json.Unmarshal(appendString(nil, s), &back); err != nil || back != s {
			t.Errorf("%q: %q %v", s, back, err)
		}
	}
	if got := string(appendString(nil, "a\xffb")); got != `"a\ufffdb"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}
