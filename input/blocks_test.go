package input

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// blocksReference is the specification of Blocks in a few lines: cut the
// input into records (delimiter kept), group them by lines, then pack the
// groups greedily into blocks of at most size bytes (a group larger than
// size is a block of its own), or into blocks of n groups.
func blocksReference(in string, opt BlockOptions) []string {
	delim := opt.Delimiter
	if delim == "" {
		delim = "\n"
	}
	var recs []string
	for len(in) > 0 {
		i := strings.Index(in, delim)
		if i < 0 {
			recs = append(recs, in)
			break
		}
		recs = append(recs, in[:i+len(delim)])
		in = in[i+len(delim):]
	}
	lines := max(opt.Lines, 1)
	var units []string
	for i := 0; i < len(recs); i += lines {
		units = append(units, strings.Join(recs[i:min(i+lines, len(recs))], ""))
	}
	var blocks []string
	if opt.Records > 0 {
		for i := 0; i < len(units); i += opt.Records {
			blocks = append(blocks, strings.Join(units[i:min(i+opt.Records, len(units))], ""))
		}
		return blocks
	}
	size := opt.Size
	if size <= 0 {
		size = DefaultBlockSize
	}
	cur := ""
	for _, u := range units {
		if cur != "" && len(cur)+len(u) > size {
			blocks = append(blocks, cur)
			cur = ""
		}
		cur += u
	}
	if cur != "" {
		blocks = append(blocks, cur)
	}
	return blocks
}

// readBlocks reads every block of b; it fails on a fatal error and on a
// source that does not keep returning io.EOF.
func readBlocks(b *Blocks) ([]string, error) {
	var out []string
	for {
		blk, err := b.Next()
		if errors.Is(err, io.EOF) {
			if _, again := b.Next(); !errors.Is(again, io.EOF) {
				return out, errors.New("Next after io.EOF did not return io.EOF again")
			}
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(blk) == 0 {
			return out, errors.New("an empty block")
		}
		out = append(out, string(blk))
	}
}

// readers feed the input in the ways a pipe may: all at once, a byte at a
// time, in halves.
var blockReaders = map[string]func(string) io.Reader{
	"whole": func(s string) io.Reader { return strings.NewReader(s) },
	"byte":  func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
	"half":  func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
}

func TestBlocks(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name string
		in   string
		opt  BlockOptions
		want []string
	}{
		{"empty input", "", BlockOptions{Size: 4}, nil},
		{"one record", "a\n", BlockOptions{Size: 4}, []string{"a\n"}},
		{"exact fit", "ab\ncd\n", BlockOptions{Size: 3}, []string{"ab\n", "cd\n"}},
		{"two records fit", "a\nb\nc\n", BlockOptions{Size: 4}, []string{"a\nb\n", "c\n"}},
		{"boundary just past size", "a\nbc\n", BlockOptions{Size: 4}, []string{"a\n", "bc\n"}},
		{"final record without delimiter", "a\nb\nc", BlockOptions{Size: 4}, []string{"a\nb\n", "c"}},
		{"only a partial record", "abc", BlockOptions{Size: 10}, []string{"abc"}},
		{"record longer than block", "a\n" + long + "\nb\n", BlockOptions{Size: 4}, []string{"a\n", long + "\n", "b\n"}},
		{"long record without delimiter", long, BlockOptions{Size: 4}, []string{long}},
		{"empty records", "\n\n\n\n\n", BlockOptions{Size: 2}, []string{"\n\n", "\n\n", "\n"}},
		{"crlf passes through", "a\r\nb\r\n", BlockOptions{Size: 3}, []string{"a\r\n", "b\r\n"}},
		{"default size", "a\nb\n", BlockOptions{}, []string{"a\nb\n"}},
		{"nul", "a\x00b\nc\x00d\x00", BlockOptions{Size: 6, Delimiter: "\x00"}, []string{"a\x00b\nc\x00", "d\x00"}},
		{"final record fits exactly", "a\nb\nc", BlockOptions{Size: 3}, []string{"a\n", "b\nc"}},
		{"multi-byte", "aXYbbXYcXY", BlockOptions{Size: 5, Delimiter: "XY"}, []string{"aXY", "bbXY", "cXY"}},
		{"multi-byte straddles size", "abXYcdXY", BlockOptions{Size: 3, Delimiter: "XY"}, []string{"abXY", "cdXY"}},
		{"multi-byte overlapping", "aaaaa", BlockOptions{Size: 4, Delimiter: "aa"}, []string{"aaaa", "a"}},
		{"multi-byte partial at end", "abX", BlockOptions{Size: 2, Delimiter: "XY"}, []string{"abX"}},
		{"records", "1\n2\n3\n4\n5\n", BlockOptions{Records: 2}, []string{"1\n2\n", "3\n4\n", "5\n"}},
		{"records ignore size", "1\n2\n3\n", BlockOptions{Records: 2, Size: 1}, []string{"1\n2\n", "3\n"}},
		{"records nul", "a\x00b\x00c", BlockOptions{Records: 2, Delimiter: "\x00"}, []string{"a\x00b\x00", "c"}},
		{"records exact", "1\n2\n", BlockOptions{Records: 2}, []string{"1\n2\n"}},
		{"lines keep groups", "1\n2\n3\n4\n5\n", BlockOptions{Lines: 2, Size: 5}, []string{"1\n2\n", "3\n4\n", "5\n"}},
		{"lines pack groups", "1\n2\n3\n4\n5\n", BlockOptions{Lines: 2, Size: 8}, []string{"1\n2\n3\n4\n", "5\n"}},
		{"lines and records", "1\n2\n3\n4\n5\n6\n7\n", BlockOptions{Lines: 2, Records: 2}, []string{"1\n2\n3\n4\n", "5\n6\n7\n"}},
		{"lines group longer than block", "1\n2\n3\n4\n", BlockOptions{Lines: 3, Size: 2}, []string{"1\n2\n3\n", "4\n"}},
	}
	for _, tt := range tests {
		for rname, reader := range blockReaders {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				got, err := readBlocks(NewBlocks(reader(tt.in), tt.opt))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
				if ref := blocksReference(tt.in, tt.opt); !reflect.DeepEqual(ref, tt.want) {
					t.Errorf("the reference gives %q: the table is wrong", ref)
				}
			})
		}
	}
}

// TestBlocksLarge cuts inputs much larger than a read and than the buffer,
// so that the buffer is compacted, grown and shrunk on the way.
func TestBlocksLarge(t *testing.T) {
	var sb strings.Builder
	for i := range 50000 {
		sb.WriteString(strings.Repeat("r", i%97))
		if i%5000 == 0 {
			sb.WriteString(strings.Repeat("L", 300<<10)) // longer than a block
		}
		sb.WriteByte('\n')
	}
	in := sb.String()
	for _, opt := range []BlockOptions{
		{Size: 100 << 10},
		{Size: 1000},
		{Size: 100 << 10, Delimiter: "r\n"},
		{Size: 100 << 10, Lines: 3},
		{Records: 777},
		{Records: 1, Lines: 4},
	} {
		got, err := readBlocks(NewBlocks(iotest.HalfReader(strings.NewReader(in)), opt))
		if err != nil {
			t.Fatal(err)
		}
		want := blocksReference(in, opt)
		if len(got) != len(want) {
			t.Fatalf("%+v: %d blocks, want %d", opt, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%+v: block %d is %d bytes, want %d", opt, i, len(got[i]), len(want[i]))
			}
		}
	}
}

// TestBlocksLazy checks that a block is handed out as soon as it is known,
// without waiting for more input than it needs.
func TestBlocksLazy(t *testing.T) {
	r, w := io.Pipe()
	b := NewBlocks(r, BlockOptions{Records: 2})
	go w.Write([]byte("1\n2\n3\n")) // more input never comes until the test ends
	defer w.Close()
	blk, err := b.Next()
	if err != nil || string(blk) != "1\n2\n" {
		t.Fatalf("Next() = %q, %v; want the first two records", blk, err)
	}
}

func TestBlocksReadError(t *testing.T) {
	boom := errors.New("boom")
	b := NewBlocks(io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(boom)), BlockOptions{Size: 100, Name: "stdin"})
	_, err := readBlocks(b)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "read stdin") {
		t.Fatalf("err = %v, want the read error naming stdin", err)
	}
	if _, again := b.Next(); !errors.Is(again, boom) {
		t.Fatalf("Next after the error = %v, want it again", again)
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"0":       0,
		"1":       1,
		"1048576": 1 << 20,
		"100B":    100,
		"10k":     10000,
		"10kB":    10000,
		"10K":     10 << 10,
		"512M":    512 << 20,
		"512MiB":  512 << 20,
		"512MB":   512 << 20,
		"2G":      2 << 30,
		"1.5M":    3 << 19,
		"1T":      1 << 40,
		"2m":      2000000,
		" 3K ":    3 << 10,
		".5K":     512,
	}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "M", "-1", "1e6", "12iB", "1Q", "0x10", "1 2", "99999999999P", "1.2.3", "NaN", "inf"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func FuzzBlocks(f *testing.F) {
	f.Add([]byte("a\nb\nc"), "\n", uint16(3), uint8(0), uint8(0))
	f.Add([]byte("aaaaaaa"), "aa", uint16(3), uint8(0), uint8(0))
	f.Add([]byte("1\n2\n3\n4\n5"), "\n", uint16(1), uint8(2), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, delim string, size uint16, records, lines uint8) {
		opt := BlockOptions{Size: int(size), Delimiter: delim, Records: int(records % 8), Lines: int(lines % 5)}
		in := string(data)
		want := blocksReference(in, opt)
		for name, reader := range blockReaders {
			got, err := readBlocks(NewBlocks(reader(in), opt))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: got %q, want %q", name, got, want)
			}
			if strings.Join(got, "") != in {
				t.Fatalf("%s: blocks %q do not rebuild the input", name, got)
			}
		}
	})
}

// BenchmarkBlocks measures cutting lines into 1 MiB blocks and into -N
// blocks (which visit every record).
func BenchmarkBlocks(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 16<<20; i++ {
		sb.WriteString("record number ")
		sb.WriteString(strings.Repeat("x", i%50))
		sb.WriteByte('\n')
	}
	in := sb.String()
	for name, opt := range map[string]BlockOptions{
		"size": {},
		"N":    {Records: 10000},
		"XY":   {Delimiter: "x\n"},
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				blocks := NewBlocks(strings.NewReader(in), opt)
				for {
					if _, err := blocks.Next(); err != nil {
						break
					}
				}
			}
		})
	}
}
