package exec

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadProcFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("loadavg", "0.42 1.00 2.00 1/100 42\n")
	if l, err := ReadLoad(dir); err != nil || l != 0.42 {
		t.Errorf("ReadLoad = %v, %v; want 0.42", l, err)
	}
	write("loadavg", "")
	if _, err := ReadLoad(dir); err == nil {
		t.Error("ReadLoad of an empty file: no error")
	}
	write("loadavg", "x y z")
	if _, err := ReadLoad(dir); err == nil {
		t.Error("ReadLoad of garbage: no error")
	}

	write("meminfo", "MemTotal: 100 kB\nMemFree: 10 kB\nMemAvailable: 50 kB\n")
	if m, err := ReadMemAvailable(dir); err != nil || m != 50*1024 {
		t.Errorf("ReadMemAvailable = %v, %v; want %d", m, err, 50*1024)
	}
	// Before Linux 3.14 there is no MemAvailable.
	write("meminfo", "MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 1 kB\nCached: 20 kB\n")
	if m, err := ReadMemAvailable(dir); err != nil || m != 31*1024 {
		t.Errorf("ReadMemAvailable without MemAvailable = %v, %v; want %d", m, err, 31*1024)
	}
	write("meminfo", "nothing useful\n")
	if _, err := ReadMemAvailable(dir); err == nil {
		t.Error("ReadMemAvailable of garbage: no error")
	}
}
