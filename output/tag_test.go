package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
	"github.com/pmap-dev/pmap/input"
)

// writeCounter records each write it gets.
type writeCounter struct {
	bytes.Buffer
	writes int
}

func (c *writeCounter) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// Tagged lines go out in blocks: a Write of many lines is a few writes
// (one per tagBlock), not two per line, and the bytes are those of
// tagging line by line, whatever the chunks cut.
func TestTagWriterWritesBlocks(t *testing.T) {
	var in, want strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, "line %d\n", i)
		fmt.Fprintf(&want, "rec\tline %d\n", i)
	}
	in.WriteString("last, no newline")
	want.WriteString("rec\tlast, no newline")
	for _, chunk := range []int{1, 7, 4096, 32 << 10, len(in.String())} {
		var c writeCounter
		w := newTagWriter(&c, "rec\t")
		p := []byte(in.String())
		calls := 0
		for len(p) > 0 {
			n := min(chunk, len(p))
			if m, err := w.Write(p[:n]); m != n || err != nil {
				t.Fatalf("chunk %d: Write = %d, %v", chunk, m, err)
			}
			p = p[n:]
			calls++
		}
		if c.String() != want.String() {
			t.Fatalf("chunk %d: tagged output differs", chunk)
		}
		// Each Write hands on what it tagged, in blocks.
		if limit := calls + len(want.String())/tagBlock + 1; c.writes > limit {
			t.Errorf("chunk %d: %d writes for %d Writes of %d bytes, want at most %d", chunk, c.writes, calls, in.Len(), limit)
		}
	}
}

// Grouped output on an unbuffered stream (stderr) with --tag: one write
// per block of lines.
func TestTaggedStderrBlocks(t *testing.T) {
	sp := spool.New(1<<20, t.TempDir())
	defer sp.Close()
	var out bytes.Buffer
	var errw writeCounter
	w := New(Options{Stdout: &out, Stderr: &errw, Tag: true})
	r := &job.Result{
		Job:    &job.Job{Seq: 1, Key: "1", Records: []input.Record{{Seq: 1, Raw: "x"}}},
		Status: job.StatusOK, Stdout: sp.NewBuffer(), Stderr: sp.NewBuffer(),
	}
	lines := strings.Repeat("err\n", 10000)
	r.Stderr.Write([]byte(lines))
	consume(w, r)
	if want := strings.ReplaceAll(lines, "err\n", "x\terr\n"); errw.String() != want {
		t.Fatalf("stderr: %d bytes, want %d", errw.Len(), len(want))
	}
	if errw.writes > 4 {
		t.Errorf("%d writes to stderr for 10000 tagged lines (%d bytes)", errw.writes, errw.Len())
	}
}

// --line-buffer with --tag: a partial line kept from an earlier write goes
// out with the lines that end it, in one write, tagged once.
func TestLineWriterOneWritePerEmit(t *testing.T) {
	var c writeCounter
	l := &lineWriter{s: &sink{w: &c}, tag: "t\t"}
	l.Write([]byte("par"))
	l.Write([]byte("tial\nwhole\nnext"))
	if c.writes != 1 || c.String() != "t\tpartial\nt\twhole\n" {
		t.Fatalf("%d writes: %q", c.writes, c.String())
	}
	l.Close()
	if c.writes != 2 || c.String() != "t\tpartial\nt\twhole\nt\tnext" {
		t.Fatalf("after Close, %d writes: %q", c.writes, c.String())
	}
}
