package spool

import (
	"bytes"
	"fmt"
	"testing"
)

func TestSpillKeepsOrderAndContent(t *testing.T) {
	s := New(100, t.TempDir())
	defer s.Close()
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
	if s.end != 300-100 && s.end != 300 {
		t.Fatalf("file not reused: end %d", s.end)
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
