package input

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBlocksRecordSeparators checks blocks cut at --recend/--recstart (as
// strings and as --regexp) against what any cut must be: the blocks, each
// after the header, joined are the input; every cut is a boundary (the
// record end just before it, the record start just after it; with
// --regexp a greedy expression may match less at a block's end, as in GNU
// parallel, so only the joining is checked).
func TestBlocksRecordSeparators(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cases := []BlockOptions{
		{RecStart: ">"},
		{Delimiter: "\n", RecStart: ">"},
		{Delimiter: ";\n"},
		{Delimiter: "[;>]+", Regexp: true},
		{RecStart: ">a", Regexp: true},
		{Delimiter: "\n", RecStart: ">", Records: 2},
		{Delimiter: "\n", Header: regexp.MustCompile(`^(?:.*\n.*\n)`)},
	}
	for i := 0; i < 400; i++ {
		opt := cases[i%len(cases)]
		opt.Size = 1 + rng.Intn(40)
		var sb strings.Builder
		for n := rng.Intn(200); n > 0; n-- {
			sb.WriteByte("ab>;\n"[rng.Intn(5)])
		}
		checkRecordBlocks(t, sb.String(), opt)
	}
}

// FuzzBlocksRecordSeparators checks the cuts of --recend, --recstart and
// --regexp on any input as TestBlocksRecordSeparators does.
func FuzzBlocksRecordSeparators(f *testing.F) {
	f.Add([]byte(">a\nxx\n>b\nyy\n"), "\n", ">", uint16(8), uint8(0), false)
	f.Add([]byte("a1b2c33d"), "[0-9]+", "", uint16(3), uint8(0), true)
	f.Add([]byte("a;b;c;d"), ";", "", uint16(2), uint8(2), false)
	f.Fuzz(func(t *testing.T, data []byte, end, start string, size uint16, records uint8, re bool) {
		opt := BlockOptions{Size: 1 + int(size%200), Delimiter: end, RecStart: start, Regexp: re, Records: int(records % 4)}
		if re {
			if _, err := CompileRecordRegexp(end, start); err != nil {
				t.Skip()
			}
		}
		checkRecordBlocks(t, string(data), opt)
	})
}

// checkRecordBlocks cuts in as opt says and checks the cuts.
func checkRecordBlocks(t *testing.T, in string, opt BlockOptions) {
	t.Helper()
	{
		got, err := readBlocks(NewBlocks(iotest.HalfReader(strings.NewReader(in)), opt))
		if err != nil {
			t.Fatal(err)
		}
		header := ""
		if opt.Header != nil {
			if loc := opt.Header.FindStringIndex(in); loc != nil {
				header = in[:loc[1]]
			}
		}
		var joined strings.Builder
		joined.WriteString(header)
		split := newRecordSplitter(opt)
		for k, b := range got {
			if !strings.HasPrefix(b, header) {
				t.Fatalf("%+v %q: block %d %q does not start with the header %q", opt, in, k, b, header)
			}
			body := b[len(header):]
			joined.WriteString(body)
			if k == len(got)-1 || opt.Regexp {
				continue
			}
			// The cut after this block is a boundary of the whole input.
			at := joined.Len()
			win := []byte(in)
			if !isBoundary(split, win, at) {
				t.Fatalf("%+v %q: cut at %d is not a record boundary", opt, in, at)
			}
		}
		if joined.String() != in {
			t.Fatalf("%+v %q: the blocks joined are %q", opt, in, joined.String())
		}
	}
}

// isBoundary reports whether at is one of the boundaries split finds in win.
func isBoundary(split recordSplitter, win []byte, at int) bool {
	for pos := 0; ; {
		a, _, next, ok := split.find(win, pos)
		if !ok || a > at {
			return false
		}
		if a == at {
			return true
		}
		pos = next
	}
}
