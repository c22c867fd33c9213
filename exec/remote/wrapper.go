package remote

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/proc"
	"github.com/pmap-dev/pmap/exec/template"
)

// wrapper is the POSIX sh script that runs a job on a remote host.
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
const wrapper = `PMAP_SEQ=$1 PMAP_SLOT=$2 PMAP_KEY=$3 PMAP_HOST=$4
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

// wrapCommand is the command line ssh hands to the remote login shell
// for cmd: the wrapper with its arguments, every one shell-quoted.
func (r *Remote) wrapCommand(h *Host, t *job.Task, cmd job.Command) string {
	shell, script := "sh", ""
	if cmd.IsShell() {
		shell, script = r.Shell, cmd.Script
	} else {
		script = template.JoinArgv(cmd.Argv)
	}
	n := t.Job.StdinLen()
	b := make([]byte, 0, len(wrapper)+len(script)+256)
	b = append(b, "exec sh -c "...)
	b = template.AppendQuote(b, wrapper)
	for _, a := range []string{"pmap", strconv.FormatInt(t.Job.Seq, 10), strconv.Itoa(t.Slot), t.Job.Key, h.Name, r.token, shell, script, strconv.FormatInt(n, 10), r.ignore} {
		b = append(b, ' ')
		b = template.AppendQuote(b, a)
	}
	for _, a := range r.seqArgs {
		b = append(b, ' ')
		b = template.AppendQuote(b, a)
	}
	return string(b)
}

// termSeqArgs turns a termination sequence into the wrapper's arguments:
// the signals its shells must ignore or catch (never empty) and the
// SIGNAL SECONDS pairs.
func termSeqArgs(seq proc.TermSeq) (ignore string, args []string) {
	names := []string{"HUP"}
	for _, st := range seq {
		name := strings.TrimPrefix(signalName(st.Signal), "SIG")
		args = append(args, name, strconv.FormatFloat(st.Wait.Seconds(), 'f', -1, 64))
		if st.Signal != syscall.SIGKILL && st.Signal != syscall.SIGSTOP && name != "HUP" {
			names = append(names, name)
		}
	}
	return strings.Join(names, " "), args
}

// signalName names sig as pmap reports it: "SIGTERM", or its number when
// it has no name.
func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return strconv.Itoa(int(sig))
}
