package output

import (
	"bufio"
	"bytes"
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

// Joblog writes GNU parallel's --joblog: one line per finished job. Write
// adds a job's line and Flush writes the lines added with one write; the
// output Writer flushes once the jobs' output is on stdout, so that a pmap
// killed with SIGKILL has logged no job whose output it did not deliver.
type Joblog struct {
	mu      sync.Mutex // the Writer adds and flushes; Close may come from elsewhere
	f       *os.File
	path    string
	pending []byte // lines added, not yet written
	err     error
}

// OpenJoblog opens path for the joblog. With resume (--resume, or
// --joblog +FILE) the file is appended to, with a header only when it is
// new or empty; otherwise it is started afresh.
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
	size := st.Size()
	if resume && st.Mode().IsRegular() && size > 0 {
		if size, err = dropCutLine(f, size); err != nil {
			f.Close()
			return nil, fmt.Errorf("--joblog: %w", err)
		}
	}
	if size == 0 {
		if _, err := f.WriteString(joblogHeader); err != nil {
			f.Close()
			return nil, WriteError("--joblog "+path, err)
		}
	}
	return &Joblog{f: f, path: path}, nil
}

// dropCutLine truncates the log of size bytes after its last newline and
// returns its new size. A last line without one was cut short (a kill, a
// full disk): ReadResume ignores it, and lines appended after it must not
// be glued to it.
func dropCutLine(f *os.File, size int64) (int64, error) {
	r, err := os.Open(f.Name())
	if err != nil {
		return size, err
	}
	defer r.Close()
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		n, err := r.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return size, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep < size {
				return keep, f.Truncate(keep)
			}
			return size, nil
		}
		end = start
	}
	// Not one whole line, not even the header: start afresh.
	return 0, f.Truncate(0)
}

// logged reports whether r belongs in the joblog: jobs that ran to an end
// of their own, or were stopped by --timeout. Jobs pmap stopped for a
// signal, a closed stdout or --halt did not finish, so --resume runs them
// again.
func logged(r *job.Result) bool {
	return r.Attempts > 0 && r.Status != job.StatusSkipped
}

// Write adds r's line when it finished; Flush writes it.
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
	b := l.pending
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
	b = strconv.AppendInt(b, r.Stdout.Len()+r.Passed, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(exitval), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(signal), 10)
	b = append(b, '\t')
	b = append(b, joblogCommand(r.Command)...)
	b = append(b, '\n')
	l.pending = b
}

// Buffered reports how many bytes of lines wait for Flush.
func (l *Joblog) Buffered() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending)
}

// Flush writes the lines added since the last Flush with one write: a
// kill can cut only the last line short, and ReadResume ignores a line
// without its newline. It returns the error (a WriteError) when the file
// could not be written; nothing more is written after one.
func (l *Joblog) Flush() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil || len(l.pending) == 0 {
		return nil
	}
	_, err := l.f.Write(l.pending)
	l.pending = l.pending[:0]
	if err != nil {
		l.err = err
		return WriteError("--joblog "+l.path, err)
	}
	return nil
}

// Discard drops the lines added since the last Flush: their jobs' output
// could not be written, so they must run again on --resume.
func (l *Joblog) Discard() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.pending = l.pending[:0]
	l.mu.Unlock()
}

// Close writes the lines still added, closes the file and reports the
// first write error.
func (l *Joblog) Close() error {
	if l == nil {
		return nil
	}
	werr := l.Flush()
	err := l.f.Close()
	if werr != nil {
		return werr
	}
	if l.err != nil {
		return WriteError("--joblog "+l.path, l.err)
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
	mu sync.Mutex
	// runs maps a command (decoded) to its logged runs still to skip, in
	// the log's order: whether each failed.
	runs map[string][]bool
}

// ReadResume reads the joblog at path. With failedToo (--resume-failed),
// jobs that failed are run again; otherwise every logged job is skipped. A
// missing file means nothing ran yet.
func ReadResume(path string, failedToo bool) (*Resume, error) {
	r := &Resume{runs: map[string][]bool{}}
	err := readJoblog(path, func(exitval, signal int, cmd string) {
		failed := exitval != 0 || signal != 0
		if !failedToo || !failed {
			r.runs[cmd] = append(r.runs[cmd], failed)
		}
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReadRetry reads the joblog at path for --retry-failed: the commands
// whose last line there shows them failed (Exitval or Signal not 0), each
// once, in the order of their first line. A missing file means nothing ran.
func ReadRetry(path string) ([]string, error) {
	failed := map[string]bool{}
	var order []string
	err := readJoblog(path, func(exitval, signal int, cmd string) {
		if _, seen := failed[cmd]; !seen {
			order = append(order, cmd)
		}
		failed[cmd] = exitval != 0 || signal != 0
	})
	if err != nil {
		return nil, err
	}
	cmds := []string{}
	for _, c := range order {
		if failed[c] {
			cmds = append(cmds, c)
		}
	}
	return cmds, nil
}

// readJoblog calls line for each job line of the joblog at path, in order.
// A missing file has none.
func readJoblog(path string, line func(exitval, signal int, cmd string)) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--joblog: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for n := 0; ; n++ {
		text, err := br.ReadString('\n')
		// The header is the first line, when there is one: GNU parallel's
		// --joblog +FILE writes none.
		if len(text) > 0 && !(n == 0 && text == joblogHeader) && strings.HasSuffix(text, "\n") {
			cols := strings.SplitN(strings.TrimSuffix(text, "\n"), "\t", 9)
			if len(cols) != 9 {
				return fmt.Errorf("--joblog %s line %d: not a joblog line (want 9 TAB-separated columns)", path, n+1)
			}
			exitval, err1 := strconv.Atoi(cols[6])
			signal, err2 := strconv.Atoi(cols[7])
			if err1 != nil || err2 != nil {
				return fmt.Errorf("--joblog %s line %d: Exitval and Signal must be numbers", path, n+1)
			}
			cmd, derr := decodeJoblogCommand(cols[8])
			if derr != nil {
				return fmt.Errorf("--joblog %s line %d: %w", path, n+1, derr)
			}
			line(exitval, signal, cmd)
		}
		// A last line without newline is a write cut short by a kill: that
		// job did not finish.
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("--joblog: %w", err)
		}
	}
}

// Skip reports whether a job with cmd already ran, using up one logged run
// (a command logged twice skips two jobs), and whether that run failed.
// Workers call it concurrently.
func (r *Resume) Skip(cmd job.Command) (ran, failed bool) {
	key := cmd.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	runs := r.runs[key]
	if len(runs) == 0 {
		return false, false
	}
	// The latest run first: a job that failed and then succeeded under
	// --resume-failed is logged twice, and it is the success that counts.
	r.runs[key] = runs[:len(runs)-1]
	return true, runs[len(runs)-1]
}
