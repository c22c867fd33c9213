package job

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPartWriteTo: a part is its header and its byte range, whether it goes
// to a pipe (splice on Linux) or to any writer; a file cut shorter since
// is an error, not a short block.
func TestPartWriteTo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	data := strings.Repeat("0123456789\n", 50000) // bigger than a pipe
	if err := os.WriteFile(path, []byte(data), 0o666); err != nil {
		t.Fatal(err)
	}
	p := &Part{Path: path, Header: []byte("h\n"), Off: 11, N: int64(len(data) - 22)}
	want := "h\n" + data[11:len(data)-11]

	var buf bytes.Buffer
	if n, err := p.WriteTo(&buf); err != nil || n != p.Len() || buf.String() != want {
		t.Fatalf("to a buffer: %d bytes, %v; content equal: %v", n, err, buf.String() == want)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.WriteTo(w)
		w.Close()
		done <- err
	}()
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != want {
		t.Fatalf("to a pipe: %d bytes, %v; content equal: %v", len(got), err, string(got) == want)
	}
	if err := <-done; err != nil {
		t.Fatalf("to a pipe: %v", err)
	}

	short := &Part{Path: path, Off: int64(len(data) - 5), N: 10}
	if _, err := short.WriteTo(io.Discard); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a range past the end: %v, want io.ErrUnexpectedEOF", err)
	}
	r, w, _ = os.Pipe()
	go io.Copy(io.Discard, r)
	if _, err := short.WriteTo(w); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a range past the end, to a pipe: %v, want io.ErrUnexpectedEOF", err)
	}
	w.Close()
}
