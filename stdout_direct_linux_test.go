package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/proc"
)

func notStopped() error { return nil }

// pattern is n bytes that differ from one position to the next, so that a
// byte out of place shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// feedPipe returns the read end of a pipe that gets data in 8 KiB writes
// (as head and most programs write), then EOF.
func feedPipe(t *testing.T, data []byte) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer w.Close()
		for p := data; len(p) > 0; {
			k := min(len(p), 8<<10)
			if _, err := w.Write(p[:k]); err != nil {
				return
			}
			p = p[k:]
		}
	}()
	t.Cleanup(func() { r.Close() })
	return r
}

// A regular file, /dev/null and a pipe take job output straight from a
// descriptor; a terminal or socket, and a file opened for appending (which
// splice refuses), get it by write.
func TestDirectStdoutKinds(t *testing.T) {
	dir := t.TempDir()
	open := func(flag int) *os.File {
		f, err := os.OpenFile(filepath.Join(dir, "out"), flag|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	_, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	sock := os.NewFile(uintptr(fds[0]), "socket")
	defer sock.Close()
	syscall.Close(fds[1])
	for _, c := range []struct {
		name   string
		f      io.Writer
		direct bool
	}{
		{"file", open(0), true},
		{"/dev/null", null, true},
		{"pipe", pw, true},
		{"append", open(os.O_APPEND), false},
		{"socket", sock, false},
		{"not a file", &bytes.Buffer{}, false},
	} {
		buf := bufio.NewWriter(io.Discard)
		_, direct := newDirectStdout(c.f, buf, notStopped).(*directStdout)
		if direct != c.direct {
			t.Errorf("%s: direct %v, want %v", c.name, direct, c.direct)
		}
	}
}

// Job output copied from a pipe (proc.Copy) to a pipe stdout and to a file
// stdout by splice arrives whole and in order after what was buffered, and
// the copy is the direct one.
func TestDirectStdoutFromPipe(t *testing.T) {
	data := pattern(5<<20 + 123)
	for _, kind := range []string{"pipe", "file"} {
		t.Run(kind, func(t *testing.T) {
			var out *os.File
			var got []byte
			done := make(chan struct{})
			if kind == "pipe" {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				out = w
				go func() {
					defer close(done)
					got, _ = io.ReadAll(r)
				}()
			} else {
				f, err := os.Create(filepath.Join(t.TempDir(), "out"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				out = f
				close(done)
			}
			buf := bufio.NewWriterSize(out, 64<<10)
			d, ok := newDirectStdout(out, buf, notStopped).(*directStdout)
			if !ok {
				t.Fatal("not direct")
			}
			d.Write([]byte("head\n"))
			counted := &countingPipeWriter{d: d}
			proc.Copy(counted, feedPipe(t, data))
			d.Flush()
			if counted.spliced == 0 || counted.written != 0 {
				t.Errorf("spliced %d bytes, wrote %d: want all spliced", counted.spliced, counted.written)
			}
			if kind == "pipe" {
				out.Close()
				<-done
			} else {
				var err error
				if got, err = os.ReadFile(out.Name()); err != nil {
					t.Fatal(err)
				}
			}
			if want := append([]byte("head\n"), data...); !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes, want %d, or not the same", len(got), len(want))
			}
		})
	}
}

// countingPipeWriter is the job's side of the sink: it counts the bytes
// that went by splice and by write.
type countingPipeWriter struct {
	d                *directStdout
	spliced, written int64
}

func (c *countingPipeWriter) Write(p []byte) (int, error) {
	c.written += int64(len(p))
	return c.d.Write(p)
}

func (c *countingPipeWriter) ReadFromPipe(fd int) (int64, bool, error) {
	n, handled, err := c.d.ReadFromPipe(fd)
	c.spliced += n
	return n, handled, err
}

// Spilled output copied from the file to a pipe stdout (splice) and to a
// file stdout (sendfile) is the bytes at the place asked for.
func TestDirectStdoutFromFile(t *testing.T) {
	data := pattern(3<<20 + 77)
	src, err := os.Create(filepath.Join(t.TempDir(), "spill"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Write(data); err != nil {
		t.Fatal(err)
	}
	off, n := int64(1000), int64(len(data)-3000)
	want := data[off : off+n]

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	d := newDirectStdout(w, bufio.NewWriter(w), notStopped).(*directStdout)
	if k, handled, err := d.ReadFromFile(int(src.Fd()), off, n); !handled || err != nil || k != n {
		t.Fatalf("to a pipe: %d, %v, %v", k, handled, err)
	}
	w.Close()
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("to a pipe: got %d bytes, want %d, or not the same", len(b), n)
	}

	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d = newDirectStdout(f, bufio.NewWriter(f), notStopped).(*directStdout)
	if k, handled, err := d.ReadFromFile(int(src.Fd()), off, n); !handled || err != nil || k != n {
		t.Fatalf("to a file: %d, %v, %v", k, handled, err)
	}
	if b, _ := os.ReadFile(f.Name()); !bytes.Equal(b, want) {
		t.Fatalf("to a file: got %d bytes, want %d, or not the same", len(b), n)
	}
}

// A splice into a stdout pipe that nobody reads waits, and gives up once
// the output is given up (a second Ctrl-C): pmap is never held by it.
func TestDirectStdoutGivesUpOnFullPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var given atomic.Bool
	stop := func() error {
		if given.Load() {
			return errOutputGivenUp
		}
		return nil
	}
	// Given up, the rest is read through Write, whose writes fail as
	// stdoutWriter's do: the copy reads to the end and drops it.
	d := newDirectStdout(w, bufio.NewWriter(givenUpWriter{&given, w}), stop).(*directStdout)
	src := feedPipe(t, pattern(4<<20))
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		proc.Copy(d, src) // the pipe fills: Copy waits on it
	}()
	time.Sleep(200 * time.Millisecond)
	select {
	case <-ended:
		t.Fatal("the copy into a pipe nobody reads ended")
	default:
	}
	given.Store(true)
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the copy did not give up")
	}
}

// givenUpWriter writes to w until given is set, then fails.
type givenUpWriter struct {
	given *atomic.Bool
	w     io.Writer
}

func (g givenUpWriter) Write(p []byte) (int, error) {
	if g.given.Load() {
		return 0, errors.New("given up")
	}
	return g.w.Write(p)
}

// BenchmarkStdoutFromPipe copies a job's output (head writing 64 MiB of
// zeros in 8 KiB pieces) from its pipe to /dev/null and to a pipe that cat
// drains: "direct" by splice (directStdout), "write" by read and write
// through stdoutWriter, the path of a terminal or a socket.
func BenchmarkStdoutFromPipe(b *testing.B) {
	const size = 64 << 20
	for _, to := range []string{"null", "pipe"} {
		for _, mode := range []string{"direct", "write"} {
			b.Run(to+"/"+mode, func(b *testing.B) {
				var out *os.File
				if to == "null" {
					f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
					if err != nil {
						b.Fatal(err)
					}
					out = f
				} else {
					// Drained by another process, as pmap's stdout is: a
					// goroutine here would wait for the Go scheduler to
					// notice the splice's poll.
					r, w, err := os.Pipe()
					if err != nil {
						b.Fatal(err)
					}
					cat := osexec.Command("cat")
					cat.Stdin = r
					if err := cat.Start(); err != nil {
						b.Fatal(err)
					}
					r.Close()
					defer cat.Wait()
					out = w
				}
				defer out.Close()
				giveUp := newGiveUp()
				sw := newStdoutWriter(out, giveUp.done)
				defer sw.Close()
				buf := bufio.NewWriterSize(sw, 64<<10)
				var dst io.Writer = buf
				if mode == "direct" {
					dst = newDirectStdout(out, buf, giveUp.err)
				}
				b.SetBytes(size)
				b.ResetTimer()
				for range b.N {
					cmd := osexec.Command("head", "-c", "67108864", "/dev/zero")
					r, err := cmd.StdoutPipe()
					if err != nil {
						b.Fatal(err)
					}
					if err := cmd.Start(); err != nil {
						b.Fatal(err)
					}
					proc.Copy(dst, r.(*os.File))
					if err := cmd.Wait(); err != nil {
						b.Fatal(err)
					}
					buf.Flush()
				}
			})
		}
	}
}
