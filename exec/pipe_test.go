package exec

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

func TestPipeJobSource(t *testing.T) {
	blocks := input.NewBlocks(strings.NewReader("1\n2\n3\n4\n5\n"), input.BlockOptions{Records: 2})
	jobs := NewPipeJobSource(blocks)
	key, err := template.Compile([]string{"k{#}"}, template.Options{Mode: template.Plain, NoAppend: true})
	if err != nil {
		t.Fatal(err)
	}
	jobs.Key = key
	var got []string
	for {
		j, err := jobs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if j.Err != nil || len(j.Records) != 0 {
			t.Fatalf("job %d: Err %v, %d records; want a plain block job", j.Seq, j.Err, len(j.Records))
		}
		got = append(got, j.Key+"="+string(j.Stdin))
	}
	want := []string{"k1=1\n2\n", "k2=3\n4\n", "k3=5\n"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("jobs %q, want %q", got, want)
	}
}

// TestPipeJobTemplate: in a --pipe job {} is empty and {#} {%} work.
func TestPipeJobTemplate(t *testing.T) {
	tmpl, err := template.Compile([]string{"echo", "[{}]", "{#}", "{%}"}, template.Options{NoAppend: true})
	if err != nil {
		t.Fatal(err)
	}
	e := &job.Expander{Template: tmpl}
	cmd, err := e.Command(&job.Job{Seq: 7, Stdin: []byte("x\n")}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cmd.Argv, " "); got != "echo [] 7 2" {
		t.Fatalf("argv %q, want %q", got, "echo [] 7 2")
	}
}

type recordingRunner struct {
	outcomes []job.Status // one per attempt
	seen     []string     // the stdin each attempt got
	killed   syscall.Signal
	closed   bool
}

func (r *recordingRunner) Run(ctx context.Context, t *job.Task) job.Outcome {
	r.seen = append(r.seen, string(t.Job.Stdin))
	st := r.outcomes[0]
	r.outcomes = r.outcomes[1:]
	return job.Outcome{Status: st}
}

func (r *recordingRunner) KillAll(sig syscall.Signal) { r.killed = sig }

func (r *recordingRunner) Close() error { r.closed = true; return nil }

func TestPipeRunnerReleases(t *testing.T) {
	tests := []struct {
		name     string
		retries  int
		outcomes []job.Status
		kept     []bool // the job still holds its block after each attempt
	}{
		{"ok", 0, []job.Status{job.StatusOK}, []bool{false}},
		{"failed, no retries", 0, []job.Status{job.StatusFailed}, []bool{false}},
		{"retried until ok", 3, []job.Status{job.StatusFailed, job.StatusSignal, job.StatusOK}, []bool{true, true, false}},
		{"retries used up", 2, []job.Status{job.StatusFailed, job.StatusTimeout, job.StatusFailed}, []bool{true, true, false}},
		{"could not start", 2, []job.Status{job.StatusError}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &recordingRunner{outcomes: tt.outcomes}
			p := &PipeRunner{Runner: inner, Retries: tt.retries}
			j := &job.Job{Seq: 1, Stdin: []byte("block\n")}
			for i, keep := range tt.kept {
				p.Run(context.Background(), &job.Task{Job: j, Slot: 1})
				if (j.Stdin != nil) != keep {
					t.Fatalf("after attempt %d the job holds its block: %v, want %v", i+1, j.Stdin != nil, keep)
				}
			}
			for i, s := range inner.seen {
				if s != "block\n" {
					t.Errorf("attempt %d got stdin %q", i+1, s)
				}
			}
			if len(p.attempts) != 0 {
				t.Errorf("%d jobs still counted after their last attempt", len(p.attempts))
			}
		})
	}
}

func TestPipeRunnerForwards(t *testing.T) {
	inner := &recordingRunner{}
	var r job.Runner = &PipeRunner{Runner: inner}
	r.(interface{ KillAll(syscall.Signal) }).KillAll(syscall.SIGKILL)
	if inner.killed != syscall.SIGKILL {
		t.Error("KillAll was not passed on")
	}
	if err := r.(io.Closer).Close(); err != nil || !inner.closed {
		t.Errorf("Close was not passed on (%v)", err)
	}
}
