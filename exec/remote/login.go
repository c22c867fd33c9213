package remote

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Host is one --ssh login: a machine jobs run on, with its share of the
// slots and its state in the rotation.
type Host struct {
	// Login is the login as written, without its N/ prefix
	// ("user@example.org:2222"); it is the record's host.
	Login string
	// Name is the host alone, without user and port: {host} and PMAP_HOST.
	Name string
	// Dest is what ssh connects to: [user@]host.
	Dest string
	// Port is the port from host:port, "" for ssh's default.
	Port string
	// Slots is how many jobs run there at once; 0 means the --workers value
	// applied to the host's CPU count.
	Slots int
	// Local is set for ":", this machine: its jobs run without ssh.
	Local bool

	ctl       string // ControlPath of the multiplexed master
	running   int
	downUntil time.Time
	backoff   time.Duration
	reason    string // why the host last failed
}

// ParseLogin reads a login: [N/][user@]host[:port], ":" for this machine.
// A host may be an IPv6 address, in brackets when a port follows
// ([::1]:2222).
func ParseLogin(s string) (*Host, error) {
	orig := s
	s = strings.TrimSpace(s)
	h := &Host{}
	if n, rest, ok := strings.Cut(s, "/"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		slots, err := strconv.Atoi(n)
		if err != nil || slots < 1 {
			return nil, fmt.Errorf("login %q: %q slots: want a number, 1 or more", orig, n)
		}
		h.Slots, s = slots, rest
	}
	if s == ":" {
		h.Login, h.Name, h.Local = ":", ":", true
		return h, nil
	}
	h.Login = s
	user := ""
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		user, s = s[:i+1], s[i+1:]
		if user == "@" {
			return nil, fmt.Errorf("login %q: empty user name before @", orig)
		}
	}
	host, port := s, ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return nil, fmt.Errorf("login %q: no ] after [", orig)
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return nil, fmt.Errorf("login %q: want :port after ]", orig)
			}
			port = port[1:]
		}
	case strings.Count(s, ":") == 1:
		host, port, _ = strings.Cut(s, ":")
	}
	if host == "" || strings.ContainsAny(host, " \t\n/") || strings.HasPrefix(host, "-") {
		return nil, fmt.Errorf("login %q: want [N/][user@]host[:port]", orig)
	}
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("login %q: port %q: want a number from 1 to 65535", orig, port)
		}
	}
	h.Name, h.Port, h.Dest = host, port, user+host
	return h, nil
}

// ParseLogins reads the value of one --ssh option: logins separated by
// commas, as GNU parallel's -S takes them.
func ParseLogins(s string) ([]*Host, error) {
	var hosts []*Host
	for _, l := range strings.Split(s, ",") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		h, err := ParseLogin(l)
		if err != nil {
			return nil, err
		}
		hosts = append(hosts, h)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("login %q: empty", s)
	}
	return hosts, nil
}
