package process

import (
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
)

// TestMain lets this test binary serve as the lifeline of the supervised
// run BenchmarkRunTrue makes.
func TestMain(m *testing.M) {
	if code, ok := proc.LifelineMain(os.Args); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// discard is a job's output stream that keeps nothing.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Close() error                { return nil }

var _ io.WriteCloser = discard{}

// cpuTime is the CPU time (user and system) of who, a getrusage target.
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRunTrue runs `true N` as a job, two at a time, as `pmap -n2
// true` does, in a supervised run: the cost of a process per job. Beside
// the wall time a job (ns/op) it reports the CPU time of pmap's own
// threads a job (self-us/op) and of the jobs' processes (child-us/op, the
// Go child's set-up before exec included).
func BenchmarkRunTrue(b *testing.B) {
	end := proc.Supervise(proc.Options{Warn: io.Discard})
	defer end()
	p := &Process{}
	run := func(seq int64) {
		t := &job.Task{Job: &job.Job{Seq: seq, Key: strconv.FormatInt(seq, 10)}, Slot: int(seq%2) + 1,
			Command: job.Command{Argv: []string{"true", strconv.FormatInt(seq, 10)}}, Stdout: discard{}, Stderr: discard{}}
		if o := p.Run(context.Background(), t); o.Status != job.StatusOK {
			b.Fatalf("job %d: %+v", seq, o)
		}
	}
	run(0) // the lifeline, the path cache, /dev/null
	self0, child0 := cpuTime(syscall.RUSAGE_SELF), cpuTime(syscall.RUSAGE_CHILDREN)
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := next.Add(1); seq <= int64(b.N); seq = next.Add(1) {
				run(seq)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64((cpuTime(syscall.RUSAGE_SELF)-self0).Microseconds())/n, "self-us/op")
	b.ReportMetric(float64((cpuTime(syscall.RUSAGE_CHILDREN)-child0).Microseconds())/n, "child-us/op")
}
