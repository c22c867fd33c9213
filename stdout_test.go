package main

import (
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// A write to a pipe nobody reads blocks; giving the output up (the second
// Ctrl-C) ends it at once, and every later write fails without blocking.
func TestStdoutWriterGivesUpBlockedWrite(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	g := newGiveUp()
	sw := newStdoutWriter(w, g.done)
	defer sw.Close()
	if _, err := sw.Write([]byte("fits in the pipe\n")); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := sw.Write(make([]byte, 1<<20)) // more than a pipe holds
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("a 1 MiB write to a pipe nobody reads returned %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	g.now(syscall.SIGINT)
	select {
	case err := <-done:
		if !errors.Is(err, errOutputGivenUp) {
			t.Fatalf("blocked write given up: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the blocked write did not end when the output was given up")
	}
	if _, err := sw.Write([]byte("x")); !errors.Is(err, errOutputGivenUp) {
		t.Fatalf("write after giving up: %v", err)
	}
	if g.err() == nil || g.err().Error() != "output not written: stopped by a second SIGINT" {
		t.Fatalf("cause: %v", g.err())
	}
}

// watchReader notices that the reader of a pipe went away without a write.
func TestWatchReaderNoticesClosedPipe(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("not watched on macOS")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	gone := make(chan struct{}, 2)
	stop := watchReader(w, func() { gone <- struct{}{} })
	defer stop()
	select {
	case <-gone:
		t.Fatal("gone with the reader still there")
	case <-time.After(100 * time.Millisecond):
	}
	r.Close()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the reader's close was not noticed")
	}
	stop()
	stop() // a second stop does nothing
}

// After stop, gone is not called, and a file that is not a pipe is not
// watched.
func TestWatchReaderStop(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	called := make(chan struct{}, 1)
	watchReader(w, func() { called <- struct{}{} })()
	r.Close()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	watchReader(f, func() { called <- struct{}{} })()
	select {
	case <-called:
		t.Fatal("gone called after stop")
	case <-time.After(100 * time.Millisecond):
	}
}
