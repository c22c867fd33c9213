package output

import (
	"bytes"
	"io"
)

// tagWriter prefixes every line written through it with tag. A final line
// without a newline is tagged too, and stays without one.
type tagWriter struct {
	w         io.Writer
	tag       []byte
	lineStart bool
}

func newTagWriter(w io.Writer, tag string) *tagWriter {
	return &tagWriter{w: w, tag: []byte(tag), lineStart: true}
}

func (t *tagWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if t.lineStart {
			if _, err := t.w.Write(t.tag); err != nil {
				return 0, err
			}
			t.lineStart = false
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			_, err := t.w.Write(p)
			return n, err
		}
		if _, err := t.w.Write(p[:i+1]); err != nil {
			return 0, err
		}
		p = p[i+1:]
		t.lineStart = true
	}
	return n, nil
}
