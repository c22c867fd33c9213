package main

import (
	"bufio"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// directMax is the most one splice or sendfile moves, so that a second
// Ctrl-C is looked at between pieces of a long copy.
const directMax = 1 << 20

// directStdout is pmap's buffered stdout when stdout is a regular file,
// /dev/null or a pipe: job output then goes there from the job's pipe
// (splice(2), for the job whose output passes straight on) or from the
// spill file (sendfile(2) or splice(2)) without a copy through pmap's
// memory. Bytes written into the buffer go out first. A splice never
// waits on stdout inside the kernel: a full pipe is waited for with poll,
// a tenth of a second at a time, so that a second Ctrl-C still gets out
// (the writes it cannot interrupt go through stdoutWriter). Where stdout
// refuses (O_APPEND, a file system without splice), bytes go by Write.
type directStdout struct {
	*bufio.Writer
	fd       int
	pipe     bool         // stdout is a pipe: it may be full
	stop     func() error // non-nil once the output is given up
	noSplice bool         // stdout refused a splice from a pipe
	noSend   bool         // stdout refused a copy from the spill file
}

// newDirectStdout returns buf, or buf as a directStdout when stdout can
// take output straight from a descriptor.
func newDirectStdout(stdout io.Writer, buf *bufio.Writer, stop func() error) io.Writer {
	f, ok := stdout.(*os.File)
	if !ok {
		return buf
	}
	// Through Control rather than Fd, which would make a non-blocking
	// stdout blocking for everyone who shares it.
	rc, err := f.SyscallConn()
	if err != nil {
		return buf
	}
	fd := -1
	if rc.Control(func(d uintptr) { fd = int(d) }) != nil || fd < 0 {
		return buf
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return buf
	}
	d := &directStdout{Writer: buf, fd: fd, stop: stop}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFIFO:
		d.pipe = true
	case unix.S_IFCHR:
		if st.Rdev != unix.Mkdev(1, 3) {
			return buf // a terminal, or another device: bytes by write
		}
	default:
		return buf // a socket or anything else: bytes by write
	}
	if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err != nil || fl&unix.O_APPEND != 0 {
		return buf // splice and sendfile refuse O_APPEND
	}
	return d
}

// ready flushes what the buffer holds and reports whether the bytes may
// go straight to stdout now; when not, Write takes them (and fails once
// the output is given up, or reports the flush's error).
func (d *directStdout) ready() bool {
	if d.stop() != nil {
		return false
	}
	return d.Buffered() == 0 || d.Flush() == nil
}

// ReadFromPipe (exec/proc.PipeWriter, through output's sink) moves what
// the non-blocking pipe src holds to stdout.
func (d *directStdout) ReadFromPipe(src int) (int64, bool, error) {
	if d.noSplice || !d.ready() {
		return 0, false, nil
	}
	for {
		n, err := unix.Splice(src, nil, d.fd, nil, directMax, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		switch {
		case err == nil:
			return n, true, nil
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			// src is empty, or the stdout pipe full. Only src is asked:
			// stdout may have been drained since, and src, full with its
			// writer blocked, would then never be reported readable
			// again (the poller reports changes).
			if !d.pipe || !ready(src, unix.POLLIN) {
				return 0, true, unix.EAGAIN // src is empty
			}
			if !d.waitWritable() {
				return 0, false, nil
			}
		case refused(err):
			d.noSplice = true
			return 0, false, nil
		default:
			return 0, true, err
		}
	}
}

// ReadFromFile (exec/spool.FileReaderFrom, through output's sink) writes
// the n bytes at off in the file src to stdout.
func (d *directStdout) ReadFromFile(src int, off, n int64) (int64, bool, error) {
	if d.noSend || !d.ready() {
		return 0, false, nil
	}
	var done int64
	for done < n {
		if d.stop() != nil {
			return done, true, errOutputGivenUp
		}
		o := off + done
		want := int(min(n-done, directMax))
		var k int64
		var err error
		if d.pipe {
			k, err = unix.Splice(src, &o, d.fd, nil, want, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		} else {
			var w int
			w, err = unix.Sendfile(d.fd, src, &o, want)
			k = int64(w)
		}
		switch {
		case err == nil && k == 0:
			return done, true, io.ErrUnexpectedEOF
		case err == nil:
			done += k
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN) && d.pipe:
			if !d.waitWritable() {
				return done, true, errOutputGivenUp
			}
		case refused(err) && done == 0:
			d.noSend = true
			return 0, false, nil
		default:
			return done, true, err
		}
	}
	return done, true, nil
}

// ready reports whether fd is ready for events now (or has an error or
// an end for the next call to report).
func ready(fd int, events int16) bool {
	return poll(fd, events, 0)
}

// poll waits up to ms milliseconds for fd to be ready for events.
func poll(fd int, events int16, ms int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(fds, ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil && n > 0
	}
}

// waitWritable waits until the stdout pipe can take bytes; false once the
// output is given up.
func (d *directStdout) waitWritable() bool {
	for d.stop() == nil {
		if poll(d.fd, unix.POLLOUT, 100) {
			return true
		}
	}
	return false
}

// refused reports whether err says the descriptors cannot splice (nothing
// moved): bytes then go by write.
func refused(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) ||
		errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EXDEV)
}
