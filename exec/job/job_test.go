package job

import (
	"context"
	"fmt"
	"syscall"
	"testing"

	"github.com/pmap-dev/pmap/input"
)

func TestInput(t *testing.T) {
	one := &Job{Records: []input.Record{{Raw: "a b"}}}
	if got := one.Input(); got != "a b" {
		t.Errorf("one record: %q", got)
	}
	multi := &Job{Records: []input.Record{{Raw: "a"}, {Raw: "b c"}, {Raw: ""}}}
	if got := multi.Input(); got != "a b c " {
		t.Errorf("-N records: %q", got)
	}
}

// Failed is what the exit code, the summary and --failed count: a job
// skipped because it already ran or was no longer needed is no failure.
func TestFailed(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want bool
	}{
		{Result{Status: StatusOK}, false},
		{Result{Status: StatusFailed, Err: fmt.Errorf("exit status 1")}, true},
		{Result{Status: StatusTimeout, Err: ErrTimeout}, true},
		{Result{Status: StatusSkipped, Err: ErrHalted}, true},
		{Result{Status: StatusSkipped, Err: ErrResumed}, false},
		{Result{Status: StatusSkipped, Err: fmt.Errorf("%w (stopped with SIGTERM)", ErrNotNeeded)}, false},
	} {
		if got := tc.r.Failed(); got != tc.want {
			t.Errorf("%s %v: Failed %v, want %v", tc.r.Status, tc.r.Err, got, tc.want)
		}
	}
}

type plainRunner struct{}

func (plainRunner) Run(context.Context, *Task) Outcome { return Outcome{Status: StatusOK} }

// A runner without process groups or long-lived state has nothing to kill
// or close.
func TestKillAllCloseWithout(t *testing.T) {
	KillAll(plainRunner{}, syscall.SIGKILL)
	if err := Close(plainRunner{}); err != nil {
		t.Fatal(err)
	}
}
