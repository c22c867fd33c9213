package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/pmap-dev/pmap/exec/remote"
)

// readLoginFile reads --ssh-login-file: one login per line, blank lines
// and # comments skipped.
func readLoginFile(file string) ([]*remote.Host, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--ssh-login-file: %w", err)
	}
	defer fh.Close()
	var hosts []*remote.Host
	sc := bufio.NewScanner(fh)
	n, line := 0, 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		hs, err := remote.ParseLogins(s)
		if err != nil {
			return nil, usagef("one [N/][user@]host[:port] per line; # starts a comment", "--ssh-login-file %s:%d: %v", file, line, err)
		}
		hosts = append(hosts, hs...)
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--ssh-login-file: %w", err)
	}
	if n == 0 {
		return nil, usagef("one [N/][user@]host[:port] per line", "--ssh-login-file %s: no login in it", file)
	}
	return hosts, nil
}
