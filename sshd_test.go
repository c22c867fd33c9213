package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// sshdPath is where Debian's openssh-server puts the daemon; sshd needs
// its absolute path to re-execute itself.
const sshdPath = "/usr/sbin/sshd"

// sshServers are real OpenSSH servers on loopback addresses, with host and
// user keys generated for the test. They share one port.
type sshServers struct {
	t    *testing.T
	dir  string
	port int
	// cmd is the --ssh-cmd that logs in to them.
	cmd   string
	procs map[string]*osexec.Cmd
	logs  map[string]*bytes.Buffer
}

// startSSHD starts one sshd per address (127.0.0.2, 127.0.0.3...) and stops
// them when the test ends. Without sshd the test is skipped, saying why.
func startSSHD(t *testing.T, addrs ...string) *sshServers {
	t.Helper()
	for _, tool := range []string{sshdPath, "ssh", "ssh-keygen"} {
		if _, err := osexec.LookPath(tool); err != nil {
			skipRemote(t, fmt.Sprintf("%s not found: apt-get install openssh-server openssh-client", tool))
		}
	}
	// Privilege separation wants this directory; only root can make it.
	if _, err := os.Stat("/run/sshd"); err != nil {
		if os.Getuid() != 0 {
			skipRemote(t, "/run/sshd (sshd's privilege separation directory) is missing, and only root can create it")
		}
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "pmap-sshd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, k := range []string{"host", "user"} {
		out, err := osexec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pmap-test", "-f", filepath.Join(dir, k)).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	s := &sshServers{t: t, dir: dir, port: freePort(t, addrs), procs: map[string]*osexec.Cmd{}, logs: map[string]*bytes.Buffer{}}
	s.cmd = fmt.Sprintf("ssh -F none -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -p %d", filepath.Join(dir, "user"), s.port)
	t.Cleanup(s.stopAll)
	for _, a := range addrs {
		s.start(a)
	}
	return s
}

var skipNote sync.Once

// skipRemote skips a test that needs sshd, and says why on stderr once, so
// that the reason shows without go test -v.
func skipRemote(t *testing.T, reason string) {
	t.Helper()
	skipNote.Do(func() { fmt.Fprintf(os.Stderr, "remote (--ssh) tests skipped: %s\n", reason) })
	t.Skip("remote tests need OpenSSH's sshd: " + reason)
}

// freePort finds a port free on every address.
func freePort(t *testing.T, addrs []string) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		l, err := net.Listen("tcp", addrs[0]+":0")
		if err != nil {
			t.Skipf("cannot listen on %s (loopback addresses other than 127.0.0.1 are Linux's): %v", addrs[0], err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		free := true
		for _, a := range addrs[1:] {
			l, err := net.Listen("tcp", net.JoinHostPort(a, strconv.Itoa(port)))
			if err != nil {
				free = false
				break
			}
			l.Close()
		}
		if free {
			return port
		}
	}
	t.Fatal("no port free on every address")
	return 0
}

func (s *sshServers) start(addr string) {
	t := s.t
	t.Helper()
	conf := filepath.Join(s.dir, "sshd-"+addr+".conf")
	text := strings.Join([]string{
		"ListenAddress " + net.JoinHostPort(addr, strconv.Itoa(s.port)),
		"HostKey " + filepath.Join(s.dir, "host"),
		"AuthorizedKeysFile " + filepath.Join(s.dir, "user.pub"),
		"PidFile " + filepath.Join(s.dir, "sshd-"+addr+".pid"),
		"StrictModes no",
		"PermitRootLogin prohibit-password",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"UseDNS no",
		"PrintMotd no",
		"MaxSessions 64",
		// bash sources ~/.bashrc for a command sshd runs at SHLVL 0; the
		// machine's own .bashrc must not slow or break the tests.
		"SetEnv SHLVL=1",
		"MaxStartups 64",
		"LogLevel ERROR",
		"",
	}, "\n")
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd := osexec.Command(sshdPath, "-D", "-e", "-f", conf)
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("sshd: %v", err)
	}
	s.procs[addr], s.logs[addr] = cmd, &log
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(s.port)), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.stop(addr)
			t.Fatalf("sshd on %s did not start: %v\n%s", addr, err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server on addr and every process under it: its
// connections and the jobs they run, as if the machine went away.
func (s *sshServers) stop(addr string) {
	cmd := s.procs[addr]
	if cmd == nil {
		return
	}
	delete(s.procs, addr)
	killTree(cmd.Process.Pid)
	cmd.Wait()
}

func (s *sshServers) stopAll() {
	for a := range s.procs {
		s.stop(a)
	}
}

// killTree kills pid and all its descendants, found through /proc.
func killTree(pid int) {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			children[pp] = append(children[pp], p)
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	for _, p := range tree {
		syscall.Kill(p, syscall.SIGKILL)
	}
}
