package output

import (
	"fmt"
	"strings"
	"time"
)

// progressState is what one progress line shows.
type progressState struct {
	done, failed int64
	// total is the number of jobs; when not exact, the number read so far
	// (shown with a +: there are more to come).
	total   int64
	exact   bool
	elapsed time.Duration
	final   bool
}

func (s progressState) count() string {
	if s.exact {
		return fmt.Sprintf("%d/%d", s.done, s.total)
	}
	return fmt.Sprintf("%d/%d+", s.done, s.total)
}

func (s progressState) failedText() string { return fmt.Sprintf("%d failed", s.failed) }

// rate is jobs per second over the whole run.
func (s progressState) rate() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(s.done) / s.elapsed.Seconds()
}

func (s progressState) rateText() string {
	r := s.rate()
	if r >= 100 {
		return fmt.Sprintf("%.0f jobs/s", r)
	}
	return fmt.Sprintf("%.1f jobs/s", r)
}

// eta is the time left at the rate so far; false when it cannot be told
// (total not known yet, no job done yet) or the run is over.
func (s progressState) eta() (time.Duration, bool) {
	r := s.rate()
	if s.final || !s.exact || r == 0 || s.done >= s.total {
		return 0, false
	}
	return time.Duration(float64(s.total-s.done) / r * float64(time.Second)), true
}

// percent is the share of jobs done, when the total is known.
func (s progressState) percent() (int, bool) {
	if !s.exact || s.total == 0 {
		return 0, false
	}
	return int(s.done * 100 / s.total), true
}

// parts are the fields of a line, most important first: a narrow terminal
// loses the last ones.
func (s progressState) parts(plain bool) []string {
	count := s.count()
	if pct, ok := s.percent(); ok {
		count += fmt.Sprintf(" (%d%%)", pct)
	}
	parts := []string{count, s.failedText(), s.rateText()}
	if d, ok := s.eta(); ok {
		parts = append(parts, "ETA "+shortDuration(d))
	}
	if plain {
		parts = append(parts, "elapsed "+shortDuration(s.elapsed))
	} else {
		parts = append(parts, shortDuration(s.elapsed))
	}
	return parts
}

// plain is the line written when standard error is not a terminal.
func (s progressState) plain() string {
	word := "progress"
	if s.final {
		word = "done"
	}
	return "pmap: " + word + " " + strings.Join(s.parts(true), ", ")
}

// maxBar is the widest the bar gets; minBar the narrowest worth drawing.
const (
	maxBar = 30
	minBar = 10
)

// bar is the terminal line, at most width-1 columns so that it never wraps
// (a wrapped line cannot be redrawn in place): the counts, with a bar when
// the total is known and there is room.
func (s progressState) bar(width int) string {
	limit := width - 1
	parts := s.parts(false)
	text := "pmap: " + strings.Join(parts, "  ")
	for len(text) > limit && len(parts) > 1 {
		parts = parts[:len(parts)-1]
		text = "pmap: " + strings.Join(parts, "  ")
	}
	if len(text) > limit {
		return text[:max(limit, 0)]
	}
	pct, ok := s.percent()
	room := limit - len(text) - 3 // " [" and "]"
	if !ok || room < minBar {
		return text
	}
	n := min(room, maxBar)
	fill := n * pct / 100
	return "pmap: [" + strings.Repeat("#", fill) + strings.Repeat(".", n-fill) + "] " + strings.Join(parts, "  ")
}

// shortDuration is d as 7s, 2m05s or 1h02m.
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}
