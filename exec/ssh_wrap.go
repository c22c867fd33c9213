package exec

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// remoteWrapper is the POSIX sh script that runs a job on a remote host.
// It is pty-less, so it cannot rely on sshd to hang up the job; instead it
// turns the connection's stdin into the job's lifeline:
//
//   - The job runs in the foreground with stdin /dev/null (or, for --pipe,
//     exactly the first $n bytes of the connection's stdin) and PMAP_SEQ,
//     PMAP_SLOT, PMAP_KEY, PMAP_HOST exported.
//   - A watcher (w) reads the connection's stdin to its end. pmap never
//     closes it while the job should run, so EOF means "stop": pmap stopped
//     the job (timeout, halt, signal), or died, or the connection broke. The
//     watcher then sends the termination sequence to the process group,
//     which sshd made for this session: the job and everything it started.
//   - When the job ends, the wrapper writes "$t STATUS" on stderr (t is a
//     token pmap picked at random, so no job output can fake it) and kills
//     the group: the watcher and whatever the job left behind.
//
// The wrapper and the watcher survive the sequence's signals up to KILL
// (trap), so that a job stopped politely still reports its status; ':' is
// a caught trap, which exec resets, so the job itself gets the default
// actions. Arguments: seq slot key host token shell script n ignore
// [SIGNAL SECONDS]...; n < 0 means no stdin data.
const remoteWrapper = `PMAP_SEQ=$1 PMAP_SLOT=$2 PMAP_KEY=$3 PMAP_HOST=$4
export PMAP_SEQ PMAP_SLOT PMAP_KEY PMAP_HOST
t=$5 s=$6 j=$7 n=$8 g=$9
shift 9
w() {
	trap '' $g
	while read -r _; do :; done
	while [ $# -gt 1 ]; do kill -s "$1" 0; sleep "$2"; shift 2; done
	kill -s KILL 0
}
r() {
	trap : $g
	"$s" -c -- "$j" 3<&-
	printf '%s %s\n' "$t" "$?" >&2
	kill -s KILL 0
}
exec 3<&0
if [ "$n" -lt 0 ]; then
	w "$@" <&3 &
	r </dev/null
else
	{ head -c "$n"; exec >/dev/null; w "$@"; } <&3 | r
fi
`

// remoteCommand is the command line ssh hands to the remote login shell
// for cmd: the wrapper with its arguments, every one shell-quoted.
func (r *Remote) remoteCommand(h *Host, t *job.Task, cmd job.Command) string {
	shell, script := "sh", ""
	if cmd.IsShell() {
		shell, script = r.Shell, cmd.Script
	} else {
		script = template.JoinArgv(cmd.Argv)
	}
	n := -1
	if t.Job.Stdin != nil {
		n = len(t.Job.Stdin)
	}
	b := make([]byte, 0, len(remoteWrapper)+len(script)+256)
	b = append(b, "exec sh -c "...)
	b = template.AppendQuote(b, remoteWrapper)
	for _, a := range []string{"pmap", strconv.FormatInt(t.Job.Seq, 10), strconv.Itoa(t.Slot), t.Job.Key, h.Name, r.token, shell, script, strconv.Itoa(n), r.ignore} {
		b = append(b, ' ')
		b = template.AppendQuote(b, a)
	}
	for _, a := range r.seqArgs {
		b = append(b, ' ')
		b = template.AppendQuote(b, a)
	}
	return string(b)
}

// remoteTermSeq turns a termination sequence into the wrapper's arguments:
// the signals its shells must ignore or catch (never empty) and the
// SIGNAL SECONDS pairs.
func remoteTermSeq(seq proc.TermSeq) (ignore string, args []string) {
	names := []string{"HUP"}
	for _, st := range seq {
		name := strings.TrimPrefix(sshSignalName(st.Signal), "SIG")
		args = append(args, name, strconv.FormatFloat(st.Wait.Seconds(), 'f', -1, 64))
		if st.Signal != syscall.SIGKILL && st.Signal != syscall.SIGSTOP && name != "HUP" {
			names = append(names, name)
		}
	}
	return strings.Join(names, " "), args
}

// markerWriter passes a remote job's stderr through, taking out the line
// the wrapper writes when the job ends ("TOKEN STATUS"), and remembers the
// end of the stream to explain a connection that failed.
type markerWriter struct {
	w     io.Writer
	token []byte
	buf   []byte // held back: it may be the start of the marker
	found bool
	code  int
	tail  []byte // the last bytes passed through
	err   error
}

func newMarkerWriter(w io.Writer, token string) *markerWriter {
	return &markerWriter{w: w, token: []byte(token)}
}

// Write implements io.Writer.
func (m *markerWriter) Write(p []byte) (int, error) {
	n := len(p)
	if m.found {
		m.emit(p)
		return n, m.err
	}
	m.buf = append(m.buf, p...)
	if i := bytes.Index(m.buf, m.token); i >= 0 {
		end := bytes.IndexByte(m.buf[i:], '\n')
		if end < 0 {
			m.emit(m.buf[:i])
			m.buf = m.buf[:copy(m.buf, m.buf[i:])]
			return n, m.err
		}
		code, err := strconv.Atoi(strings.TrimSpace(string(m.buf[i+len(m.token) : i+end])))
		if err == nil {
			m.found, m.code = true, code
			m.emit(m.buf[:i])
			m.emit(m.buf[i+end+1:])
			m.buf = m.buf[:0]
			return n, m.err
		}
	}
	keep := partialSuffix(m.buf, m.token)
	m.emit(m.buf[:len(m.buf)-keep])
	m.buf = m.buf[:copy(m.buf, m.buf[len(m.buf)-keep:])]
	return n, m.err
}

// Close writes what was held back. It does not close the writer beneath:
// the job may still be retried on another host.
func (m *markerWriter) Close() error {
	m.emit(m.buf)
	m.buf = m.buf[:0]
	return m.err
}

func (m *markerWriter) emit(p []byte) {
	if len(p) == 0 {
		return
	}
	const tailMax = 1024
	m.tail = append(m.tail, p...)
	if len(m.tail) > 2*tailMax {
		m.tail = m.tail[:copy(m.tail, m.tail[len(m.tail)-tailMax:])]
	}
	if m.err == nil {
		_, m.err = m.w.Write(p)
	}
}

// status returns the job's exit status, if the wrapper reported one.
func (m *markerWriter) status() (code int, ok bool) { return m.code, m.found }

// lastLine is the last non-empty line of the stream: ssh's reason when
// the connection failed.
func (m *markerWriter) lastLine() string {
	s := strings.TrimRight(string(m.tail), "\r\n\t ")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// partialSuffix is the length of the longest suffix of b that is a proper
// prefix of token.
func partialSuffix(b, token []byte) int {
	for k := min(len(token)-1, len(b)); k > 0; k-- {
		if bytes.HasSuffix(b, token[:k]) {
			return k
		}
	}
	return 0
}

// sshSignalName names sig as pmap reports it: "SIGTERM".
func sshSignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return strconv.Itoa(int(sig))
}
