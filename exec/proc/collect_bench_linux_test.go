package proc

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
)

// selfCPU is the CPU time (user and system) of this process's threads.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStartCollect starts `true N` two at a time and collects its
// output, read on the waiting thread (direct) or by a goroutine per pipe
// in the poller (polled), in one run for a same-run comparison; self-us/op
// is the CPU time of the benchmark's own threads a job.
func BenchmarkStartCollect(b *testing.B) {
	path := "/bin/true"
	for _, direct := range []bool{true, false} {
		name := "polled"
		if direct {
			name = "direct"
		}
		b.Run(name, func(b *testing.B) {
			null := discardCloser{}
			devNull, err := os.Open(os.DevNull)
			if err != nil {
				b.Fatal(err)
			}
			defer devNull.Close()
			var next atomic.Int64
			var wg sync.WaitGroup
			cpu0 := selfCPU()
			b.ResetTimer()
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for seq := next.Add(1); seq <= int64(b.N); seq = next.Add(1) {
						c, err := Start(context.Background(), &Spec{Path: path, Argv: []string{"true", strconv.FormatInt(seq, 10)}, Stdin: devNull, Collect: direct})
						if err != nil {
							b.Error(err)
							return
						}
						if st, err := c.Collect(null, null); err != nil || st.ExitCode() != 0 {
							b.Errorf("%v %v", st, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64((selfCPU()-cpu0).Microseconds())/float64(b.N), "self-us/op")
		})
	}
}

// discardCloser keeps nothing of a job's output.
type discardCloser struct{}

func (discardCloser) Write(p []byte) (int, error) { return len(p), nil }
func (discardCloser) Close() error                { return nil }

var _ io.WriteCloser = discardCloser{}
