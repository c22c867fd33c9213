package exec

import (
	"context"
	"errors"
	"io"

	"github.com/pmap-dev/pmap/exec/job"
)

// read reads jobs into queue, which it closes at the end of the input or
// when the run stops (ctx, Drain): a job read then is left in held, not
// queued, and a read error in readErr; both are for Run to look at once
// queue is closed. With ra (a pulled run), it reads ahead in bursts
// (readahead.go).
func (e *Engine) read(ctx context.Context, jobs *JobSource, queue chan<- *job.Job, ra *readAhead, held **job.Job, readErr *error) {
	defer close(queue)
	for {
		if ctx.Err() != nil || drained(e.Drain) {
			return // read no more than a stopped run reports
		}
		j, err := jobs.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				*readErr = err
			} else {
				e.mu.Lock()
				e.readAll = true
				e.mu.Unlock()
			}
			return
		}
		e.mu.Lock()
		e.stats.read++
		e.mu.Unlock()
		if ra != nil {
			if !ra.send(ctx, e.Drain, queue, j) {
				*held = j
				return
			}
			continue
		}
		// A send with room needs no select over the stops (which costs
		// more than a short job's hand-off); a stop is seen at the top of
		// the loop, or by the jobs' reader.
		select {
		case queue <- j:
			continue
		default:
		}
		select {
		case queue <- j:
		case <-ctx.Done():
			*held = j
			return
		case <-e.Drain:
			*held = j
			return
		}
	}
}
