package slurm

import (
	"bytes"
	"crypto/rand"
	"strings"
	"sync"

	osexec "os/exec"

	"github.com/pmap-dev/pmap/exec/proc"
)

var randRead = rand.Read

// canceller cancels steps through Slurm (scancel), one call at a time.
type canceller struct{ mu sync.Mutex }

// cancelStep cancels one job's step: by its ids when the step wrote them,
// else by its name, looked up in squeue.
func (c *canceller) cancelStep(s *Slurm, step, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	if step != "" {
		ids = []string{step}
	} else {
		ids = s.steps(func(n string) bool { return n == name })
	}
	s.scancel(ids)
}

// CancelAll cancels every step of the run that Slurm still lists: the
// second Ctrl-C, and the end of a run stopped at once.
func (s *Slurm) CancelAll() {
	s.canceller.mu.Lock()
	defer s.canceller.mu.Unlock()
	prefix := s.Name + "."
	s.scancel(s.steps(func(n string) bool { return strings.HasPrefix(n, prefix) }))
}

// steps lists the ids (JOBID.STEPID) of the allocation's steps whose
// name keep accepts; outside an allocation, the ids of the Slurm jobs,
// pending ones included.
func (s *Slurm) steps(keep func(name string) bool) []string {
	args := []string{"-h", "-o", "%A %j"}
	if s.Alloc.JobID != "" {
		args = []string{"-s", "-h", "-o", "%i %j", "-j", s.Alloc.JobID}
	}
	cmd := osexec.Command("squeue", args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := proc.Run(cmd); err != nil {
		return nil
	}
	var ids []string
	for _, line := range strings.Split(out.String(), "\n") {
		id, name, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && keep(strings.TrimSpace(name)) {
			ids = append(ids, id)
		}
	}
	return ids
}

// scancel cancels the steps ids. Outside an allocation a step is step 0
// of a Slurm job of its own, which is cancelled whole.
func (s *Slurm) scancel(ids []string) {
	if len(ids) == 0 {
		return
	}
	if s.Alloc.JobID == "" {
		for i, id := range ids {
			ids[i], _, _ = strings.Cut(id, ".")
		}
	}
	_ = proc.Run(osexec.Command("scancel", append([]string{"--quiet"}, ids...)...))
}

// CancelIfKilledScript is a shell script that cancels the run's steps,
// for the lifeline to run should pmap be killed before it could.
func (s *Slurm) CancelIfKilledScript() []string {
	list := `squeue -h -o '%A %j'`
	if s.Alloc.JobID != "" {
		list = `squeue -s -h -o '%i %j' -j ` + s.Alloc.JobID
	}
	script := list + ` | while read -r id name; do case $name in "$0".*) echo "$id";; esac; done | xargs -r scancel --quiet`
	return []string{"sh", "-c", script, s.Name}
}
