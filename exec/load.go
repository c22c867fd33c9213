package exec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// ReadLoad returns the 1-minute load average from proc/loadavg.
func ReadLoad(proc string) (float64, error) {
	path := filepath.Join(proc, "loadavg")
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read the load average: %w", err)
	}
	fields := bytes.Fields(data)
	if len(fields) == 0 {
		return 0, fmt.Errorf("%s is empty", path)
	}
	load, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a load average", path, fields[0])
	}
	return load, nil
}

// ReadMemAvailable returns the bytes of memory available for new work
// from proc/meminfo: MemAvailable, or on kernels older than 3.14, which
// lack it, MemFree + Buffers + Cached.
func ReadMemAvailable(proc string) (int64, error) {
	path := filepath.Join(proc, "meminfo")
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read the free memory: %w", err)
	}
	defer f.Close()
	size := map[string]int64{} // field -> bytes
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		n, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && string(fields[1]) == "kB" {
			n *= 1024
		}
		size[string(name)] = n
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	if v, ok := size["MemAvailable"]; ok {
		return v, nil
	}
	free, ok := size["MemFree"]
	if !ok {
		return 0, fmt.Errorf("%s has neither MemAvailable nor MemFree", path)
	}
	return free + size["Buffers"] + size["Cached"], nil
}
