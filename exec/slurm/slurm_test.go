package slurm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
)

func TestParseCPUsPerNode(t *testing.T) {
	for in, want := range map[string]int{"2": 2, "2(x3)": 6, "2(x3),1": 7, "4,4": 8, "16(x2),8(x1)": 40} {
		got, err := ParseCPUsPerNode(in)
		if err != nil || got != want {
			t.Errorf("ParseCPUsPerNode(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "2(x)", "2(3)", "2(x0)", "0", "-1", "2(x3"} {
		if got, err := ParseCPUsPerNode(in); err == nil {
			t.Errorf("ParseCPUsPerNode(%q) = %d, want an error", in, got)
		}
	}
}

func TestReadAlloc(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want Alloc
		bad  bool
	}{
		{env: map[string]string{}, want: Alloc{}},
		{env: map[string]string{"SLURM_JOB_ID": "7", "SLURM_NTASKS": "5", "SLURM_JOB_CPUS_PER_NODE": "2(x4)"}, want: Alloc{JobID: "7", CPUs: 5}},
		{env: map[string]string{"SLURM_JOB_ID": "7", "SLURM_JOB_CPUS_PER_NODE": "2(x3),1"}, want: Alloc{JobID: "7", CPUs: 7}},
		{env: map[string]string{"SLURM_JOB_ID": "7", "SLURM_JOB_CPUS_PER_NODE": "4(x2)", "SLURM_CPUS_PER_TASK": "2"}, want: Alloc{JobID: "7", CPUs: 4}},
		{env: map[string]string{"SLURM_JOB_ID": "7"}, want: Alloc{JobID: "7"}},
		{env: map[string]string{"SLURM_JOB_ID": "7; rm"}, bad: true},
		{env: map[string]string{"SLURM_JOB_ID": "7", "SLURM_NTASKS": "0"}, bad: true},
	} {
		got, err := ReadAlloc(func(k string) string { return c.env[k] })
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("ReadAlloc(%v) = %+v, %v; want %+v (error: %v)", c.env, got, err, c.want, c.bad)
		}
	}
}

// The filter takes out the step's id line and srun's task reports, keeps
// everything else byte for byte (however the writes are cut), and notes a
// node failure.
func TestStderrFilter(t *testing.T) {
	in := "pmap-slurm-step:pmap-x 12.3\nuser line\nsrun: error: vm: task 0: Segmentation fault\n" +
		"srun: error: Node failure on vm\npmap-slurm-step:pmap-x 9.9\nlast without newline"
	for _, chunk := range []int{1, 3, 7, len(in)} {
		var out bytes.Buffer
		f := &stderrFilter{w: &out, tag: "pmap-slurm-step:pmap-x"}
		for i := 0; i < len(in); i += chunk {
			f.Write([]byte(in[i:min(i+chunk, len(in))]))
		}
		f.Close()
		step, failure, report := f.seen()
		want := "user line\nsrun: error: Node failure on vm\npmap-slurm-step:pmap-x 9.9\nlast without newline"
		if out.String() != want || step != "12.3" || failure != "srun: error: Node failure on vm" || report != "Segmentation fault" {
			t.Errorf("chunk %d: out %q step %q failure %q report %q", chunk, out.String(), step, failure, report)
		}
	}
}

func TestJudge(t *testing.T) {
	s := &Slurm{}
	// srun's exit 0 after a node failure is not a success.
	out := s.judge(job.Outcome{Status: job.StatusOK}, "srun: error: Node failure on vm", "")
	if out.Status != job.StatusError || !out.Retryable || !strings.Contains(out.Err.Error(), "Node failure on vm") {
		t.Errorf("node failure: %+v", out)
	}
	// 128+N with srun's word for a signal is the signal.
	out = s.judge(job.Outcome{Status: job.StatusFailed, Exit: 139}, "", "Segmentation fault")
	if out.Status != job.StatusSignal || out.Signal != "SIGSEGV" || out.Exit != -1 {
		t.Errorf("signal: %+v", out)
	}
	// A task's own exit 139 stays an exit status.
	out = s.judge(job.Outcome{Status: job.StatusFailed, Exit: 139}, "", "Exited with exit code 139")
	if out.Status != job.StatusFailed || out.Exit != 139 {
		t.Errorf("exit 139: %+v", out)
	}
	// A job pmap stopped keeps its outcome.
	out = s.judge(job.Outcome{Status: job.StatusSignal, Signal: "SIGTERM", Stopped: true}, "srun: error: Node failure on vm", "")
	if out.Status != job.StatusSignal {
		t.Errorf("stopped: %+v", out)
	}
	// srun's exit 0 after pmap stopped it (its step cancelled, the task
	// killed) is not a success either.
	out = s.judge(job.Outcome{Status: job.StatusOK, Stopped: true}, "", "")
	if out.Status == job.StatusOK || out.Err == nil || !out.Stopped {
		t.Errorf("stopped, exit 0: %+v", out)
	}
}

func TestWrap(t *testing.T) {
	args, err := template.Compile([]string{"-c2 --mem-per-cpu=1G --comment=slot{%}"}, template.Options{Mode: template.Exec, NoAppend: true})
	if err != nil {
		t.Fatal(err)
	}
	s := &Slurm{Name: "pmap-x", Alloc: Alloc{JobID: "5"}, Args: args, Wait: 1500e6}
	cmd, err := s.Wrap(&job.Job{Seq: 4}, 2, job.Command{Argv: []string{"echo", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cmd.Argv, " ")
	want := "srun -Q -N1 -n1 -J pmap-x.4 --exclusive --immediate=2 -c2 --mem-per-cpu=1G --comment=slot2 sh -c"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "pmap-slurm-step:pmap-x echo a") {
		t.Errorf("inside an allocation, with --mem-per-cpu: %q", got)
	}
	// Outside an allocation: no --exclusive (a whole node) nor --mem=0.
	s = &Slurm{Name: "pmap-x"}
	cmd, _ = s.Wrap(&job.Job{Seq: 1}, 1, job.Command{Script: "-x; echo"})
	got = strings.Join(cmd.Argv, " ")
	if !strings.HasPrefix(got, "srun -Q -N1 -n1 -J pmap-x.1 sh -c") || !strings.HasSuffix(got, "pmap-slurm-step:pmap-x sh -c -- -x; echo") {
		t.Errorf("outside an allocation, a shell script: %q", got)
	}
	// Inside, without memory flags: --mem=0.
	s = &Slurm{Name: "pmap-x", Alloc: Alloc{JobID: "5"}}
	cmd, _ = s.Wrap(&job.Job{Seq: 1}, 1, job.Command{Argv: []string{"true"}})
	if got := strings.Join(cmd.Argv, " "); !strings.HasPrefix(got, "srun -Q -N1 -n1 -J pmap-x.1 --exclusive --mem=0 sh") {
		t.Errorf("inside an allocation: %q", got)
	}
}
