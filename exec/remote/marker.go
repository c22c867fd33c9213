package remote

import (
	"bytes"
	"io"
	"strconv"
	"strings"
)

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
