package template

import "strings"

// hereDoc is a here-document whose body starts at the next newline.
type hereDoc struct {
	delim     string
	quoted    bool
	stripTabs bool
}

// hereDoc reads "<<[-]WORD" at s[i] and queues the body for the next newline.
func (x *shellScanner) hereDoc(i, w int) (int, error) {
	s := x.s
	f := x.top()
	j := i + w + 1
	h := hereDoc{}
	if j < len(s) && s[j] == '-' {
		h.stripTabs = true
		j++
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	var d []byte
	k := j
	for k < len(s) {
		c := s[k]
		if c == ' ' || c == '\t' || c == '\n' || strings.IndexByte(";&|()<>", c) >= 0 {
			break
		}
		switch c {
		case '\'', '"':
			h.quoted = true
			e := strings.IndexByte(s[k+1:], c)
			if e < 0 {
				return 0, errAt(s, k, "unterminated quote in here-document delimiter")
			}
			d = append(d, s[k+1:k+1+e]...)
			k += e + 2
			continue
		case '\\':
			h.quoted = true
			if k+1 < len(s) {
				d = append(d, s[k+1])
			}
			k += 2
			continue
		}
		d = append(d, c)
		k++
	}
	if k > len(s) {
		k = len(s)
	}
	h.delim = string(d)
	x.heres = append(x.heres, h)
	x.lit = append(x.lit, s[i:k]...)
	f.prevOp = 0
	if f == &x.frames[0] {
		x.markAppend()
	}
	return k - i, nil
}

// hereEnd checks whether the line at s[i] ends the current here-document,
// and if so consumes it (with its newline).
func (x *shellScanner) hereEnd(i int) int {
	s := x.s
	f := x.top()
	e := strings.IndexByte(s[i:], '\n')
	line := s[i:]
	if e >= 0 {
		line = s[i : i+e]
	}
	check := line
	if f.stripTabs {
		check = strings.TrimLeft(check, "\t")
	}
	if check != f.delim {
		return 0
	}
	n := len(line)
	if e >= 0 {
		n++
	}
	x.lit = append(x.lit, s[i:i+n]...)
	x.pop()
	if len(x.heres) > 0 {
		h := x.heres[0]
		x.heres = x.heres[1:]
		x.push(fHere, i+n)
		nf := x.top()
		nf.delim, nf.quoted, nf.stripTabs, nf.lineStart = h.delim, h.quoted, h.stripTabs, true
	}
	return n
}
