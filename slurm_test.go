package main

import (
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestSlurm runs testdata/slurm/*.txtar against a real single-node Slurm
// cluster on loopback (testdata/slurm/cluster.sh): the one named by
// $PMAPTEST_SLURM_CONF (.ci/run starts it), or one the test starts itself
// when it runs as root with slurm-wlm and munge installed. Elsewhere it
// skips, saying why.
func TestSlurm(t *testing.T) {
	conf := os.Getenv("PMAPTEST_SLURM_CONF")
	if conf == "" {
		conf = startSlurm(t)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/slurm",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SLURM_CONF", conf)
			// A script that failed with the node down (nodefail) must not
			// leave the next ones waiting for it.
			env.Defer(func() { resumeNode(conf) })
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfile":  cmdWaitFile,
			"gone":      cmdGone,
			"slurmidle": cmdSlurmIdle,
		},
	})
}

// startSlurm starts a private cluster for the test, stopped at its end,
// and returns its slurm.conf; it skips when it cannot.
func startSlurm(t *testing.T) string {
	if os.Getuid() != 0 {
		t.Skip("no Slurm: the test cluster needs root (or set PMAPTEST_SLURM_CONF to a running one)")
	}
	for _, b := range []string{"srun", "salloc", "sbatch", "squeue", "scancel", "scontrol"} {
		if _, err := osexec.LookPath(b); err != nil {
			t.Skipf("no Slurm: %s is not installed (apt-get install --no-install-recommends slurm-wlm munge)", b)
		}
	}
	for _, b := range []string{"slurmctld", "slurmd", "munged"} {
		if _, err := osexec.LookPath(b); err != nil {
			if _, err := os.Stat("/usr/sbin/" + b); err != nil {
				t.Skipf("no Slurm: %s is not installed (apt-get install --no-install-recommends slurm-wlm munge)", b)
			}
		}
	}
	script, err := filepath.Abs("testdata/slurm/cluster.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "pmap-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	stop := func() {
		_ = osexec.Command(script, "stop", dir).Run()
		os.RemoveAll(dir)
	}
	begin := time.Now()
	start := osexec.Command(script, "start", dir)
	start.Env = append(os.Environ(), "PMAP_SLURM_PORT="+strconv.Itoa(freePorts(t)))
	out, err := start.CombinedOutput()
	if err != nil {
		stop()
		t.Skipf("no Slurm: the test cluster did not start: %v: %s", err, out)
	}
	t.Logf("Slurm cluster up in %v", time.Since(begin).Round(time.Millisecond))
	t.Cleanup(stop)
	return strings.TrimSpace(string(out))
}

// resumeNode brings the cluster's node back to service when it is down.
func resumeNode(conf string) {
	host, err := osexec.Command("hostname", "-s").Output()
	if err != nil {
		return
	}
	cmd := osexec.Command("scontrol", "update", "nodename="+strings.TrimSpace(string(host)), "state=resume")
	cmd.Env = append(os.Environ(), "SLURM_CONF="+conf)
	_ = cmd.Run() // an error: the node was not down
}

// freePorts returns a port that is free with the next one, for the
// cluster's two daemons.
func freePorts(t *testing.T) int {
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+1))
		l.Close()
		if err == nil {
			l2.Close()
			return port
		}
	}
	t.Fatal("no two free ports in a row")
	return 0
}

// cmdSlurmIdle waits up to 30s until Slurm lists no job and no step (the
// tests' allocations end with them): slurmidle
func cmdSlurmIdle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: slurmidle")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left []string
		for _, a := range [][]string{{"-h", "-o", "%i %j %T"}, {"-s", "-h", "-o", "%i %j"}} {
			cmd := osexec.Command("squeue", a...)
			cmd.Env = append(os.Environ(), "SLURM_CONF="+ts.Getenv("SLURM_CONF"))
			out, err := cmd.Output()
			ts.Check(err)
			if s := strings.TrimSpace(string(out)); s != "" {
				left = append(left, s)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("Slurm still lists after 30s:\n%s", strings.Join(left, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
