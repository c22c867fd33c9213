package output

import (
	"bytes"
	"io"
)

// tagBlock is the size of the blocks a tagWriter writes: the tagged lines
// of a Write go out in writes of about this size, not two per line.
const tagBlock = 64 << 10

// tagWriter prefixes every line written through it with tag. A final line
// without a newline is tagged too, and stays without one. Each Write hands
// its tagged lines on in blocks of about tagBlock bytes, the last block
// before it returns: nothing is kept between two Writes, so that a line
// cut short by the end of a job's output, or a stream that pauses, shows
// at once.
type tagWriter struct {
	w         io.Writer
	tag       []byte
	lineStart bool
	buf       []byte
}

func newTagWriter(w io.Writer, tag string) *tagWriter {
	return &tagWriter{w: w, tag: []byte(tag), lineStart: true}
}

func (t *tagWriter) Write(p []byte) (int, error) {
	n := len(p)
	b := t.buf[:0]
	for len(p) > 0 {
		b, p = t.appendTagged(b, p)
		if len(b) >= tagBlock || len(p) == 0 {
			if _, err := t.w.Write(b); err != nil {
				t.keep(b)
				return 0, err
			}
			b = b[:0]
		}
	}
	t.keep(b)
	return n, nil
}

// appendTagged appends the lines of p, tagged, to b until b holds a block
// or p is used up, and returns b and what is left of p.
func (t *tagWriter) appendTagged(b, p []byte) ([]byte, []byte) {
	for len(p) > 0 && len(b) < tagBlock {
		if t.lineStart {
			b = append(b, t.tag...)
			t.lineStart = false
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return append(b, p...), nil
		}
		b = append(b, p[:i+1]...)
		p = p[i+1:]
		t.lineStart = true
	}
	return b, p
}

// keep keeps b's array for the next Write, unless a very long line made it
// large.
func (t *tagWriter) keep(b []byte) {
	if cap(b) <= 2*tagBlock {
		t.buf = b[:0]
	}
}
