package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec/job"
)

// joblogHeader is GNU parallel's joblog header; pmap writes the same columns
// so that tools reading GNU joblogs read pmap's.
const joblogHeader = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n"

// Joblog writes GNU parallel's --joblog: one line per finished job, in
// completion order, each written with one write so that a pmap killed with
// SIGKILL loses at most the jobs that were running.
type Joblog struct {
	mu  sync.Mutex // jobs end on several goroutines
	f   *os.File
	buf []byte
	err error
}

// OpenJoblog opens path for the joblog. With resume the file is appended to
// (its header kept); otherwise it is started afresh.
func OpenJoblog(path string, resume bool) (*Joblog, error) {
	flag := os.O_WRONLY | os.O_CREATE
	if resume {
		flag |= os.O_APPEND
	} else {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--joblog: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("--joblog: %w", err)
	}
	if st.Size() == 0 {
		if _, err := f.WriteString(joblogHeader); err != nil {
			f.Close()
			return nil, fmt.Errorf("--joblog: %w", err)
		}
	}
	return &Joblog{f: f}, nil
}

// logged reports whether r belongs in the joblog: jobs that ran to an end
// of their own, or were stopped by --timeout. Jobs pmap stopped for a
// signal, a closed stdout or --halt did not finish, so --resume runs them
// again.
func logged(r *job.Result) bool {
	return r.Attempts > 0 && r.Status != job.StatusSkipped
}

// Write logs r when it finished.
func (l *Joblog) Write(r *job.Result) {
	if l == nil || !logged(r) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	exitval, signal := r.Exit, 0
	if r.Signal != "" {
		signal = int(unix.SignalNum(r.Signal))
		exitval = -1 // killed by pmap (timeout) ...
		if r.Status == job.StatusSignal {
			exitval = 0 // ... or by a signal of its own, as GNU parallel logs it
		}
	}
	b := l.buf[:0]
	b = strconv.AppendInt(b, r.Job.Seq, 10)
	b = append(b, '\t')
	if r.Host == "" {
		b = append(b, ':') // this machine, as GNU parallel writes it
	} else {
		b = append(b, r.Host...)
	}
	b = append(b, '\t')
	b = strconv.AppendFloat(b, float64(r.Start.UnixMilli())/1000, 'f', 3, 64)
	b = append(b, '\t')
	b = fmt.Appendf(b, "%10.3f", r.Duration.Seconds())
	b = append(b, "\t0\t"...)
	b = strconv.AppendInt(b, r.Stdout.Len(), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(exitval), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(signal), 10)
	b = append(b, '\t')
	b = append(b, joblogCommand(r.Command)...)
	b = append(b, '\n')
	l.buf = b
	if _, err := l.f.Write(b); err != nil {
		l.err = err
	}
}

// Close closes the file and reports the first write error.
func (l *Joblog) Close() error {
	if l == nil {
		return nil
	}
	err := l.f.Close()
	if l.err != nil {
		return fmt.Errorf("--joblog: %w", l.err)
	}
	return err
}

// joblogQuoted starts a Command column that is not in GNU parallel's form
// but quoted (encodeJoblogCommand). Valid UTF-8 never holds this byte, so
// no ordinary command loses GNU parallel's form to it.
const joblogQuoted = "\xff"

// joblogCommand is the Command column of c (encodeJoblogCommand).
func joblogCommand(c job.Command) string { return encodeJoblogCommand(c.String()) }

// encodeJoblogCommand writes cmd as the joblog's Command column, on one
// line, so that decodeJoblogCommand gives cmd back, whatever its bytes.
// A command that holds no NUL byte (and does not start with the byte
// 0xFF) is written as GNU parallel writes it: newlines as NUL bytes. One
// that does would read back with a newline in place of its NUL, so it is
// written as 0xFF followed by the command as a Go (C-like) double-quoted
// string: "printf %s 'a\x00b'".
func encodeJoblogCommand(cmd string) string {
	if strings.IndexByte(cmd, 0) < 0 && !strings.HasPrefix(cmd, joblogQuoted) {
		return strings.ReplaceAll(cmd, "\n", "\x00")
	}
	return joblogQuoted + strconv.Quote(cmd)
}

// decodeJoblogCommand reads a Command column back into the command.
func decodeJoblogCommand(col string) (string, error) {
	if q, ok := strings.CutPrefix(col, joblogQuoted); ok {
		cmd, err := strconv.Unquote(q)
		if err != nil {
			return "", fmt.Errorf("a quoted Command that does not unquote: %w", err)
		}
		return cmd, nil
	}
	return strings.ReplaceAll(col, "\x00", "\n"), nil
}

// Resume is what a joblog says already ran, for --resume and --resume-failed.
type Resume struct {
	mu     sync.Mutex
	counts map[string]int // command (decoded) -> runs still to skip
}

// ReadResume reads the joblog at path. With failedToo (--resume-failed),
// jobs that failed are run again; otherwise every logged job is skipped. A
// missing file means nothing ran yet.
func ReadResume(path string, failedToo bool) (*Resume, error) {
	r := &Resume{counts: map[string]int{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--joblog: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for line := 0; ; line++ {
		text, err := br.ReadString('\n')
		if len(text) > 0 && line > 0 && strings.HasSuffix(text, "\n") {
			cols := strings.SplitN(strings.TrimSuffix(text, "\n"), "\t", 9)
			if len(cols) != 9 {
				return nil, fmt.Errorf("--joblog %s line %d: not a joblog line (want 9 TAB-separated columns)", path, line+1)
			}
			exitval, err1 := strconv.Atoi(cols[6])
			signal, err2 := strconv.Atoi(cols[7])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("--joblog %s line %d: Exitval and Signal must be numbers", path, line+1)
			}
			cmd, derr := decodeJoblogCommand(cols[8])
			if derr != nil {
				return nil, fmt.Errorf("--joblog %s line %d: %w", path, line+1, derr)
			}
			if !failedToo || (exitval == 0 && signal == 0) {
				r.counts[cmd]++
			}
		}
		// A last line without newline is a write cut short by a kill: that
		// job did not finish.
		if err == io.EOF {
			return r, nil
		}
		if err != nil {
			return nil, fmt.Errorf("--joblog: %w", err)
		}
	}
}

// Skip reports whether a job with cmd already ran, using up one logged run
// (a command logged twice skips two jobs). Workers call it concurrently.
func (r *Resume) Skip(cmd job.Command) bool {
	key := cmd.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts[key] > 0 {
		r.counts[key]--
		return true
	}
	return false
}
