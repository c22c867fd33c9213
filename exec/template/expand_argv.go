package template

import "fmt"

// This file expands an Exec template: into argv (Argv), or into the one
// shell command line that runs that argv (String, AppendString).

// reps is how many times word w appears in the argv of d.
func (x *expander) reps(w *eword) int {
	if !w.repeat {
		return 1
	}
	return x.nargs()
}

// appendWord appends word w expanded for repetition rep (-1 for a word
// that does not repeat).
func (x *expander) appendWord(dst []byte, w *eword, rep int) ([]byte, error) {
	if w.pieces == nil {
		return append(dst, w.lit...), nil
	}
	for i := range w.pieces {
		p := &w.pieces[i]
		if p.ph == nil {
			dst = append(dst, p.lit...)
			continue
		}
		var err error
		if dst, err = x.appendValue(dst, p.ph, rep); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendCount is the number of arguments appended for a template without
// replacement strings: each record's fields, or the record itself.
func (x *expander) appendCount() (int, error) {
	n := 0
	for i, r := range x.d.Records {
		if i > 0 && !x.d.Multi {
			break
		}
		if r.Err != nil {
			return 0, r.Err
		}
		if r.Fields != nil {
			n += len(r.Fields)
		} else {
			n++
		}
	}
	return n, nil
}

// args yields the arguments counted by appendCount, in order, walking
// the records once however many there are (-X packs thousands).
func (x *expander) args(yield func(string) bool) {
	for i := range x.d.Records {
		if i > 0 && !x.d.Multi {
			return
		}
		r := &x.d.Records[i]
		if r.Fields == nil {
			if !yield(r.Raw) {
				return
			}
			continue
		}
		for _, f := range r.Fields {
			if !yield(f) {
				return
			}
		}
	}
}

// argc is the length of d's argv: the template's words with their
// repetitions, and the appended arguments.
func (t *Template) argc(x *expander) (int, error) {
	n := 0
	for i := range t.words {
		w := &t.words[i]
		if w.spread > 0 {
			elems, err := x.elements(w.spreadPiece())
			if err != nil {
				return 0, err
			}
			n += len(elems)
			continue
		}
		n += x.reps(w)
	}
	if !t.appendRec {
		return n, nil
	}
	extra, err := x.appendCount()
	return n + extra, err
}

// argv expands an Exec template. The words with replacement strings are
// appended to one pooled buffer, which becomes one string that they are
// sliced from; literal words and appended records are shared as they are.
func (t *Template) argv(d *Data) ([]string, error) {
	x := newExpander(d)
	n, err := t.argc(&x)
	if err != nil {
		return nil, err
	}
	if n == 0 && t.words[0].spread > 0 {
		// a {name[]} command word whose array is empty: nothing to run
		return nil, fmt.Errorf("empty command: the array of %s is empty", t.words[0].spreadPiece().text)
	}
	argv := make([]string, n)
	sc := getScratch()
	buf, ends := sc.buf[:0], sc.ends[:0]
	i := 0
	for wi := range t.words {
		w := &t.words[wi]
		if w.pieces == nil {
			argv[i] = w.lit
			i++
			continue
		}
		if w.spread > 0 {
			// argc has read the array already: no error is left here.
			elems, _ := x.elements(w.spreadPiece())
			for _, e := range elems {
				if buf, err = x.appendSpreadWord(buf, w, elementText(w.spreadPiece(), e)); err != nil {
					break
				}
				ends = append(ends, i, len(buf))
				i++
			}
			if err != nil {
				break
			}
			continue
		}
		for rep := range x.reps(w) {
			r := -1
			if w.repeat {
				r = rep
			}
			if buf, err = x.appendWord(buf, w, r); err != nil {
				break
			}
			ends = append(ends, i, len(buf))
			i++
		}
		if err != nil {
			break
		}
	}
	if err == nil && len(buf) > 0 {
		s, start := string(buf), 0
		for j := 0; j < len(ends); j += 2 {
			argv[ends[j]] = s[start:ends[j+1]]
			start = ends[j+1]
		}
	}
	sc.buf, sc.ends = buf, ends
	putScratch(sc)
	if err != nil {
		return nil, err
	}
	if t.appendRec {
		for a := range x.args {
			argv[i] = a
			i++
		}
	}
	return argv, nil
}

// appendExecString appends the Exec template's argv for d as one shell
// command line (see JoinArgv) without building the argv: each word is
// appended as it is, then quoted in place if the shell would not read it
// back as exactly that word.
func (t *Template) appendExecString(dst []byte, x *expander) ([]byte, error) {
	first := true
	for i := range t.words {
		w := &t.words[i]
		if w.spread > 0 {
			var err error
			if dst, first, err = x.appendSpreadString(dst, w, first); err != nil {
				return dst, err
			}
			continue
		}
		for rep := range x.reps(w) {
			if !first {
				dst = append(dst, ' ')
			}
			r := -1
			if w.repeat {
				r = rep
			}
			start := len(dst)
			var err error
			if dst, err = x.appendWord(dst, w, r); err != nil {
				return dst, err
			}
			if !argSafe(dst[start:], first) {
				dst = sqWord.apply(dst, start)
			}
			first = false
		}
	}
	if !t.appendRec {
		return dst, nil
	}
	if _, err := x.appendCount(); err != nil {
		return dst, err
	}
	for a := range x.args {
		if !first {
			dst = append(dst, ' ')
		}
		if argSafe(a, first) {
			dst = append(dst, a...)
		} else {
			dst = appendSQ(dst, a)
		}
		first = false
	}
	return dst, nil
}
