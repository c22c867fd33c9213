package inprocess

import (
	"io"
	"os"
	"time"

	"github.com/pmap-dev/pmap/exec/proc"
)

// drainAfter waits for a command's output copies once it has exited.
// Output to the job's stdout or stderr still open after proc.DrainGrace (a
// grandchild holds the pipe) is left to the job's end, so that the job's
// next statements do not wait for it, as with a shell. Output captured by
// $(...) is waited for to the end, as a shell does, unless the job is
// being stopped.
func (j *jobState) drainAfter(streams []*stream) {
	if len(streams) == 0 {
		return
	}
	deadline := time.NewTimer(proc.DrainGrace)
	defer deadline.Stop()
	expired := false
	for _, s := range streams {
		if _, ok := s.w.(*gate); !ok {
			s.await(j.Done())
			continue
		}
		if !expired {
			select {
			case <-s.done:
				continue
			case <-deadline.C:
				expired = true
			}
		}
		select {
		case <-s.done:
		default:
			j.mu.Lock()
			j.streams = append(j.streams, s)
			j.mu.Unlock()
		}
	}
}

// drain finishes the output copies left running after the job's end has
// killed its groups: a process that left the groups (setsid) and holds a
// pipe gets proc.DrainGrace, then pmap stops reading.
func (j *jobState) drain() {
	j.mu.Lock()
	streams := j.streams
	j.streams = nil
	j.mu.Unlock()
	for _, s := range streams {
		s.await(closedChan)
	}
}

// closedChan is a channel that is always closed.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// stream copies a command's output pipe to the job's writer.
type stream struct {
	r    *os.File
	w    io.Writer
	done chan struct{}
}

func newStream(r *os.File, w io.Writer) *stream {
	return &stream{r: r, w: w, done: make(chan struct{})}
}

// await waits for the copy to end; once stop is closed, a process that
// still holds the pipe gets proc.DrainGrace, then pmap stops reading.
func (s *stream) await(stop <-chan struct{}) {
	select {
	case <-s.done:
		return
	case <-stop:
	}
	t := time.NewTimer(proc.DrainGrace)
	defer t.Stop()
	select {
	case <-s.done:
		return
	case <-t.C:
	}
	_ = s.r.SetReadDeadline(time.Now())
	<-s.done
}

// copy reads the pipe to EOF; a failing writer does not stop the reading,
// so that the command never blocks on a full pipe.
func (s *stream) copy() {
	proc.Copy(s.w, s.r)
	s.r.Close()
	close(s.done)
}
