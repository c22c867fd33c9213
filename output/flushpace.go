package output

import "time"

// flushEvery is the shortest time between two flushes of the output while
// results keep coming: the output of jobs that end in quick succession
// goes out in one write, at most flushEvery after the first of them ended,
// rather than in a write (and a wake-up of stdout's writer) each. Short
// jobs end tens of thousands of times a second; a person or a program
// reading pmap's output does not see a delay this short.
const flushEvery = 2 * time.Millisecond

// flushPacer decides when Consume flushes what it wrote. Consume
// flushes whenever it has caught up with the jobs (no result is waiting),
// but no sooner than flushEvery after its last flush; the flush it put off
// is then due when C fires, should no result come before.
type flushPacer struct {
	last  time.Time
	timer *time.Timer
	// C fires when a put-off flush is due; nil when none is.
	C <-chan time.Time
}

// idle is called when Consume has caught up with the jobs; it reports
// whether to flush now.
func (p *flushPacer) idle() bool {
	now := time.Now()
	wait := flushEvery - now.Sub(p.last)
	if wait <= 0 {
		return true
	}
	if p.C == nil {
		if p.timer == nil {
			p.timer = time.NewTimer(wait)
		} else {
			p.timer.Reset(wait)
		}
		p.C = p.timer.C
	}
	return false
}

// flushed is called after every flush.
func (p *flushPacer) flushed() {
	p.last = time.Now()
	if p.C != nil {
		p.timer.Stop()
		p.C = nil
	}
}

// stop releases the timer.
func (p *flushPacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
