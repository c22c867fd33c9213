package template

import (
	"errors"
	"strconv"
	"strings"

	"github.com/pmap-dev/pmap/input"
)

// expander is the state of one expansion: the data it reads. It holds no
// buffer: values are appended to the caller's, so that nothing an
// expansion returns can alias memory that a later one reuses.
type expander struct {
	d *Data
	// starts indexes a -N/-X job's arguments by record (args.go); nil
	// until counted.
	starts []int
}

var noData Data

func newExpander(d *Data) expander {
	if d == nil {
		d = &noData
	}
	return expander{d: d}
}

// count is how many parts p expands to: with -N/-X a per-record
// replacement string outside a repeated word yields one part per record
// (joined by single spaces); everything else yields one. rep is the record
// index of a word repeated by ContextReplace, or -1.
func (x *expander) count(p *placeholder, rep int) int {
	if rep < 0 && p.perRecord && x.d.Multi {
		return x.nargs()
	}
	return 1
}

// appendValue appends p's value as it is, its parts joined by single
// spaces. Callers quote it afterwards, in place, for its context.
func (x *expander) appendValue(dst []byte, p *placeholder, rep int) ([]byte, error) {
	parts := x.count(p, rep)
	for k := 0; k < parts; k++ {
		if k > 0 {
			dst = append(dst, ' ')
		}
		var err error
		if dst, err = x.appendPart(dst, p, rep, k); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendPart appends part k of p's value. Numbers are formatted straight
// into dst, so that {#} and {%} cost no allocation.
func (x *expander) appendPart(dst []byte, p *placeholder, rep, k int) ([]byte, error) {
	switch p.kind {
	case kSeq:
		if p.pad {
			return appendPadded(dst, x.d.Seq, *p.total), nil
		}
		return strconv.AppendInt(dst, x.d.Seq, 10), nil
	case kSlot:
		return strconv.AppendInt(dst, int64(x.d.Slot), 10), nil
	case kTotal:
		return strconv.AppendInt(dst, *p.total, 10), nil
	}
	s, err := x.part(p, rep, k)
	return append(dst, s...), err
}

// valueString returns p's value as one string, for callers that keep it
// (Vars.Fill). A single part is a substring of the record and costs
// nothing; a number or several joined parts cost one allocation.
func (x *expander) valueString(p *placeholder, rep int) (string, error) {
	if x.count(p, rep) == 1 {
		return x.part(p, rep, 0)
	}
	sc := getScratch()
	defer putScratch(sc)
	var err error
	sc.buf, err = x.appendValue(sc.buf[:0], p, rep)
	if err != nil {
		return "", err
	}
	return string(sc.buf), nil
}

// part returns part k of p's value. It allocates only for {#} and {%};
// the hot paths append those with appendPart instead.
func (x *expander) part(p *placeholder, rep, k int) (string, error) {
	d := x.d
	var s string
	switch p.kind {
	case kSeq:
		if p.pad {
			return string(appendPadded(nil, d.Seq, *p.total)), nil
		}
		return strconv.FormatInt(d.Seq, 10), nil
	case kSlot:
		return strconv.Itoa(d.Slot), nil
	case kTotal:
		return strconv.FormatInt(*p.total, 10), nil
	case kHost:
		return d.Host, nil
	case kRecord:
		if r, v := x.recordArg(p, rep, k); r != nil {
			if r.Err != nil {
				return "", r.Err
			}
			s = v
		}
		if p.hasDef && s == "" {
			return p.def, nil // GNU --plus {:-VALUE}
		}
	case kField:
		var err error
		if s, err = x.field(p.n); err != nil {
			if p.hasDef && errors.Is(err, ErrNoField) {
				return p.def, nil
			}
			return "", err
		}
		if p.hasDef && s == "" {
			return p.def, nil
		}
	case kName:
		r := x.record(p, rep, k)
		v, ok, err := named(r, p.name, p.hasDef)
		switch {
		case err != nil && p.isVar:
			s = p.varVal // a constant needs no readable record
		case err != nil:
			return "", err
		case ok:
			s = v
		case p.isVar:
			s = p.varVal
		case p.hasDef:
			return p.def, nil
		default:
			return "", &fieldError{name: p.name}
		}
		if p.hasDef && s == "" {
			return p.def, nil
		}
	}
	if p.sub {
		return substr(s, p.from, p.length), nil
	}
	return applyMod(s, p.mod), nil
}

// recordArg is the argument {} reads: the repeated word's, argument k of
// a -N/-X job, or the job's (first) record; its record and its value.
func (x *expander) recordArg(p *placeholder, rep, k int) (*input.Record, string) {
	switch n := x.nargs(); {
	case x.d.Multi && rep >= 0 && rep < n:
		return x.arg(rep)
	case x.d.Multi && rep < 0 && p.perRecord && k < n:
		return x.arg(k)
	}
	if r := x.record(p, rep, k); r != nil {
		return r, r.Raw
	}
	return nil, ""
}

// record is the record a per-record part reads: the repeated word's
// record, record k of a -N/-X job, or the job's (first) record.
func (x *expander) record(p *placeholder, rep, k int) *input.Record {
	recs := x.d.Records
	switch {
	case rep >= 0 && rep < len(recs):
		return &recs[rep]
	case rep < 0 && p.perRecord && x.d.Multi && k < len(recs):
		return &recs[k]
	case len(recs) > 0:
		return &recs[0]
	}
	return nil
}

// field resolves {n}. With -N/-X it is argument n, and a missing one is
// empty (GNU parallel: seq 5 | parallel -N2 echo {1}-{2} ends "5-").
// Otherwise it is field n of the record, also empty when missing.
func (x *expander) field(n int) (string, error) {
	recs := x.d.Records
	if x.d.Multi {
		i := index(n, x.nargs())
		if i < 0 {
			return "", nil
		}
		r, v := x.arg(i)
		if r.Err != nil {
			return "", r.Err
		}
		return v, nil
	}
	if len(recs) == 0 {
		return "", &fieldError{n: n}
	}
	r := &recs[0]
	if r.Err != nil {
		return "", r.Err
	}
	// A positional field past the end is empty, as in GNU parallel (SPEC
	// 2.3): {4} of a 3-column --colsep record. Named fields stay strict.
	if r.Fields != nil {
		if i := index(n, len(r.Fields)); i >= 0 {
			return r.Fields[i], nil
		}
		return "", nil
	}
	switch v := r.JSON.(type) {
	case []any:
		if i := index(n, len(v)); i >= 0 {
			s, _ := input.Lookup(v[i], "")
			return s, nil
		}
		return "", nil
	case map[string]any:
		return "", &fieldError{n: n, obj: true}
	}
	// A record that is not split has exactly one field: itself.
	if n == 1 || n == -1 {
		return r.Raw, nil
	}
	return "", nil
}

// index turns field number n (1-based, or negative from the end) into a
// slice index below length, or -1.
func index(n, length int) int {
	i := n - 1
	if n < 0 {
		i = length + n
	}
	if i < 0 || i >= length {
		return -1
	}
	return i
}

// named looks name up in r: a --header column, then a JSON path. With
// nullMissing a JSON null counts as missing, so that a default or a --var
// stands in for it, as for an absent key.
func named(r *input.Record, name string, nullMissing bool) (string, bool, error) {
	if r == nil {
		return "", false, nil
	}
	if r.Err != nil {
		return "", false, r.Err
	}
	if i := r.Header.Index(name); i >= 0 {
		if i < len(r.Fields) {
			return r.Fields[i], true, nil
		}
		return "", false, nil
	}
	if r.JSON != nil {
		if nullMissing {
			v, ok := input.LookupValue(r.JSON, name)
			if !ok || v == nil {
				return "", false, nil
			}
			return input.Render(v), true, nil
		}
		v, ok := input.Lookup(r.JSON, name)
		return v, ok, nil
	}
	return "", false, nil
}

// applyMod applies a GNU parallel path modifier. Every result is a
// substring of s or a constant, so it never allocates.
func applyMod(s string, m modifier) string {
	if v, ok := applyPlus(s, m); ok {
		return v
	}
	switch m {
	case modNoExt:
		return noExt(s)
	case modBase:
		return base(s)
	case modDir:
		return dirname(s)
	case modBaseNoExt:
		return noExt(base(s))
	}
	return s
}

// noExt removes a final ".ext" where ext holds no '/' (GNU: s:\.[^/.]*$::),
// so "foo.tar.gz" -> "foo.tar", ".hidden" -> "", "sub.dir/bar" unchanged.
func noExt(s string) string {
	i := strings.LastIndexByte(s, '.')
	if i < 0 || strings.IndexByte(s[i+1:], '/') >= 0 {
		return s
	}
	return s[:i]
}

// base is what follows the last '/' (GNU: s:^.*/::), so "/" -> "".
func base(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

// dirname is Perl's File::Basename::dirname, which GNU parallel uses for
// {//}: "b.c" -> ".", "/" -> "/", "a/b/" -> "a" (a trailing slash does not
// make a directory its own parent).
func dirname(s string) string {
	d, b := fileparse(s)
	d = stripSlashes(d)
	if b == "" {
		d, _ = fileparse(d)
		d = stripSlashes(d)
	}
	return d
}

// fileparse splits s after its last '/'; with no '/' the directory is "./".
func fileparse(s string) (dir, file string) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return "./", s
	}
	return s[:i+1], s[i+1:]
}

// stripSlashes removes trailing slashes but keeps the first byte, so "/"
// stays "/" (Perl: s{(.)/*\z}{$1}s).
func stripSlashes(d string) string {
	j := len(d)
	for j > 1 && d[j-1] == '/' {
		j--
	}
	return d[:j]
}
