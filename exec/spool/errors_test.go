package spool

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A spill that fails fails its buffer, once, through OnError; buffers
// that stay within the budget are not touched by it.
func TestSpillErrorFailsOnlyItsBuffer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	s := New(10, dir)
	defer s.Close()
	noStaging(s)
	var reported []error
	s.OnError = func(err error) { reported = append(reported, err) }

	small := s.NewBuffer()
	if _, err := small.Write([]byte("12345")); err != nil {
		t.Fatal(err)
	}
	big := s.NewBuffer()
	if _, err := big.Write([]byte("0123456789")); err == nil {
		t.Fatal("a write past the budget with no spill file did not fail")
	}
	if _, err := big.Write([]byte("x")); err == nil {
		t.Fatal("a failed buffer took more")
	}
	err := big.Err()
	if !errors.Is(err, syscall.ENOENT) || !strings.HasPrefix(err.Error(), "creating the output spill file in "+dir+": ") {
		t.Fatalf("Err() = %v", err)
	}
	if len(reported) != 1 || reported[0] != err {
		t.Fatalf("OnError got %v, want once %v", reported, err)
	}
	if small.Err() != nil {
		t.Fatalf("the buffer in memory failed too: %v", small.Err())
	}
	if b, _ := small.Bytes(); string(b) != "12345" {
		t.Fatalf("the buffer in memory holds %q", b)
	}
	big.Release()
	if big.Err() != nil || big.Len() != 0 {
		t.Fatal("Release did not empty the failed buffer")
	}
	if s.InMemory() != 5 {
		t.Fatalf("in memory %d, want 5", s.InMemory())
	}
}
