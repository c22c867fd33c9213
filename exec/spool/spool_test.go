package spool

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"testing"
)

// noStaging makes s write spilled output to its file at once, as it does
// when maxStages buffers already gather theirs.
func noStaging(s *Spool) { s.stages = maxStages }

func TestSpillKeepsOrderAndContent(t *testing.T) {
	s := New(100, t.TempDir())
	defer s.Close()
	noStaging(s)
	a, b := s.NewBuffer(), s.NewBuffer()
	var wantA, wantB bytes.Buffer
	for i := 0; i < 50; i++ {
		pa := []byte(fmt.Sprintf("a%03d-", i))
		pb := []byte(fmt.Sprintf("b%03d+", i))
		a.Write(pa)
		b.Write(pb)
		wantA.Write(pa)
		wantB.Write(pb)
	}
	if s.InMemory() > 100 {
		t.Fatalf("in memory %d > budget", s.InMemory())
	}
	if s.file == nil {
		t.Fatal("500 bytes with a 100-byte budget did not spill")
	}
	for name, c := range map[string]struct {
		buf  *Buffer
		want []byte
	}{"a": {a, wantA.Bytes()}, "b": {b, wantB.Bytes()}} {
		var got bytes.Buffer
		if _, err := c.buf.WriteTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), c.want) {
			t.Errorf("%s: got %q want %q", name, got.Bytes(), c.want)
		}
		if bb, _ := c.buf.Bytes(); !bytes.Equal(bb, c.want) || c.buf.Len() != int64(len(c.want)) {
			t.Errorf("%s: Bytes/Len disagree", name)
		}
	}
	a.Release()
	b.Release()
	if s.InMemory() != 0 || s.live != 0 || s.end != 0 {
		t.Fatalf("after release: memory %d live %d end %d", s.InMemory(), s.live, s.end)
	}
	// The file is reused from the start.
	c := s.NewBuffer()
	c.Write(bytes.Repeat([]byte("x"), 300))
	if s.end != segmentSize {
		t.Fatalf("file not reused: end %d", s.end)
	}
}

// A released buffer's spill segments are written over by later buffers:
// the file does not grow while what it holds does not.
func TestSpillSegmentsAreReused(t *testing.T) {
	s := New(0, t.TempDir())
	defer s.Close()
	noStaging(s)
	a, b := s.NewBuffer(), s.NewBuffer()
	pa := bytes.Repeat([]byte("a"), segmentSize+10) // two segments
	a.Write(pa)
	b.Write([]byte("b"))
	if s.end != 3*segmentSize {
		t.Fatalf("end %d, want 3 segments", s.end)
	}
	a.Release()
	c := s.NewBuffer()
	pc := bytes.Repeat([]byte("c"), 2*segmentSize-5)
	c.Write(pc[:100])
	c.Write(pc[100:])
	if s.end != 3*segmentSize {
		t.Fatalf("a's segments not reused: end %d", s.end)
	}
	for _, x := range []struct {
		buf  *Buffer
		want []byte
	}{{b, []byte("b")}, {c, pc}} {
		if got, err := x.buf.Bytes(); err != nil || !bytes.Equal(got, x.want) {
			t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(x.want))
		}
	}
}

func TestNilBufferIsEmpty(t *testing.T) {
	var b *Buffer
	if b.Len() != 0 {
		t.Fatal("nil buffer has length")
	}
	if n, err := b.WriteTo(&bytes.Buffer{}); n != 0 || err != nil {
		t.Fatal("nil buffer wrote")
	}
	b.Release()
}

func TestSmallWritesStaySmall(t *testing.T) {
	s := New(1<<20, t.TempDir())
	defer s.Close()
	b := s.NewBuffer()
	b.Write([]byte("word"))
	b.Write([]byte("\n"))
	if len(b.chunks) != 1 || cap(b.chunks[0].mem) >= blockSize {
		t.Fatalf("two small writes took %d chunks, capacity %d", len(b.chunks), cap(b.chunks[0].mem))
	}
	big := bytes.Repeat([]byte("y"), 3*blockSize+10)
	b.Write(big)
	for i, c := range b.chunks {
		if len(c.mem) > blockSize {
			t.Fatalf("chunk %d holds %d bytes, more than a block", i, len(c.mem))
		}
	}
	if got, _ := b.Bytes(); string(got) != "word\n"+string(big) {
		t.Fatal("content changed")
	}
}

// A released buffer's full memory blocks go to the next buffers, unless
// Reuse says a write of them may still be pending.
func TestMemoryBlocksAreReused(t *testing.T) {
	for _, reuse := range []bool{true, false} {
		s := New(1<<20, t.TempDir())
		s.Reuse = func() bool { return reuse }
		a := s.NewBuffer()
		a.Write(bytes.Repeat([]byte("a"), 3*blockSize))
		old := map[*byte]bool{}
		for _, c := range a.chunks {
			if cap(c.mem) == blockSize {
				old[&c.mem[:1][0]] = true
			}
		}
		a.Release()
		b := s.NewBuffer()
		b.Write([]byte("b")) // a first small write: a small block of its own
		b.Write(bytes.Repeat([]byte("b"), 2*blockSize))
		reused := 0
		for _, c := range b.chunks {
			if old[&c.mem[:1][0]] {
				reused++
			}
		}
		if got, _ := b.Bytes(); string(got) != "b"+string(bytes.Repeat([]byte("b"), 2*blockSize)) {
			t.Fatal("content changed")
		}
		if reuse && reused == 0 || !reuse && reused != 0 {
			t.Errorf("Reuse %v: %d of a's blocks reused", reuse, reused)
		}
		s.Close()
	}
}

// WriteTo hands what was spilled to a FileReaderFrom by its place in the
// spill file, and what is in memory by Write, in order.
func TestWriteToHandsSpilledOutputByPlace(t *testing.T) {
	s := New(10, t.TempDir())
	defer s.Close()
	noStaging(s)
	b := s.NewBuffer()
	b.Write([]byte("0123456789"))   // memory
	b.Write([]byte("spilled-part")) // file
	w := &placeWriter{}
	if n, err := b.WriteTo(w); err != nil || n != 22 {
		t.Fatalf("WriteTo: %d, %v", n, err)
	}
	if w.buf.String() != "0123456789" || len(w.places) != 1 || w.places[0] != [2]int64{0, 12} {
		t.Fatalf("wrote %q, places %v", w.buf.String(), w.places)
	}
	// From the file, at that place, are the bytes.
	got := make([]byte, 12)
	if _, err := s.file.ReadAt(got, w.places[0][0]); err != nil || string(got) != "spilled-part" {
		t.Fatalf("file has %q (%v)", got, err)
	}
}

type placeWriter struct {
	buf    bytes.Buffer
	places [][2]int64
}

func (p *placeWriter) Write(b []byte) (int, error) { return p.buf.Write(b) }

func (p *placeWriter) ReadFromFile(fd int, off, n int64) (int64, bool, error) {
	p.places = append(p.places, [2]int64{off, n})
	return n, true, nil
}

// BenchmarkSpill writes 64 MiB into a buffer with a 16 MiB budget, reads
// it back and releases it, as an ordered run does with the output that
// waits behind the job being written: after the first round the memory
// blocks and the spill file's pages are reused.
func BenchmarkSpill(b *testing.B) {
	s := New(16<<20, b.TempDir())
	defer s.Close()
	piece := bytes.Repeat([]byte("x"), 8<<10) // a pipe read's worth
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	for range b.N {
		buf := s.NewBuffer()
		for n := 0; n < size; n += len(piece) {
			if _, err := buf.Write(piece); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := buf.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		buf.Release()
	}
}

// Spilled output gathers in a staging block and goes to the file a block
// at a time; what is staged comes after everything else, even once memory
// has room again, and a block that cannot be written fails the buffer.
func TestSpillIsStaged(t *testing.T) {
	s := New(100, t.TempDir())
	defer s.Close()
	a, b := s.NewBuffer(), s.NewBuffer()
	a.Write(bytes.Repeat([]byte("a"), 100)) // memory is full
	b.Write([]byte("first-"))
	if s.file != nil || len(b.stage) != 6 {
		t.Fatalf("a small spill went to the file (staged %d)", len(b.stage))
	}
	a.Release() // memory has room again
	b.Write([]byte("second"))
	if got, _ := b.Bytes(); string(got) != "first-second" {
		t.Fatalf("got %q", got)
	}
	big := bytes.Repeat([]byte("z"), 2*blockSize+7)
	b.Write(big)
	if s.file == nil || b.inFile != 2*blockSize || len(b.stage) != 6+6+7 {
		t.Fatalf("in file %d, staged %d", b.inFile, len(b.stage))
	}
	want := "first-second" + string(big)
	if got, _ := b.Bytes(); string(got) != want || b.Len() != int64(len(want)) {
		t.Fatalf("got %d bytes (Len %d), want %d", len(got), b.Len(), len(want))
	}
	b.Release()
	if s.stages != 0 {
		t.Fatalf("%d staging blocks still out", s.stages)
	}

	bad := New(0, filepath.Join(t.TempDir(), "missing"))
	defer bad.Close()
	c := bad.NewBuffer()
	if _, err := c.Write([]byte("fits")); err != nil {
		t.Fatalf("a staged write failed: %v", err)
	}
	if _, err := c.Write(big); err == nil || c.Err() == nil {
		t.Fatal("a block the file could not take did not fail the buffer")
	}
}
