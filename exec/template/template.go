package template

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pmap-dev/pmap/input"
)

// Mode says what an expansion produces; it is fixed at Compile because
// each mode reads the template differently (argv words, shell code, text).
type Mode int

const (
	// Exec splits the template into argv (shlex) and places values inside words.
	Exec Mode = iota
	// Shell produces one shell command line; values are quoted shell words.
	Shell
	// Plain produces one string with values inserted as they are (--tagstring, --key).
	Plain
)

// Options configure Compile.
type Options struct {
	// Mode is Exec (the default), Shell or Plain.
	Mode Mode
	// Vars are the --var NAME=VALUE constants, usable as {NAME}.
	Vars map[string]string
	// Named is set when records carry named fields (--header, --json), so
	// that {name} is a replacement string rather than literal text. Without
	// it only --var names are, so awk '{print}' keeps its braces.
	Named bool
	// ContextReplace (-X) repeats a word containing {} (or its modifiers,
	// or a record's {name}) once per record: pre{}post over 1 2 3 gives
	// pre1post pre2post pre3post. In Shell mode the word is a shell word
	// (quotes included) and the copies are separated by spaces.
	ContextReplace bool
	// NoAppend disables appending the record when the template has no
	// replacement string (used for Plain templates).
	NoAppend bool
	// Worker is set for a --worker command, which no record reaches: a
	// {name} there is refused as naming no field, whatever the input.
	Worker bool
	// NoArgs is -N 0: jobs run with no arguments, so a replacement string
	// that reads the record is refused (GNU parallel expands it to nothing).
	NoArgs bool
	// Total points at the run's number of jobs, {##}, which the caller
	// sets before the first expansion (it reads the whole input first);
	// nil refuses {##}.
	Total *int64
	// Remote makes {host} the replacement string for Data.Host (--ssh);
	// otherwise {host} is an ordinary name.
	Remote bool
}

// Data is what one expansion sees.
type Data struct {
	// Records holds the job's record, or its records with -N/-X.
	Records []input.Record
	// Multi is set for -N/-X jobs: {n} is argument n (Records[n-1].Raw)
	// and missing ones are empty; {} and {name} are every record's value
	// joined by single spaces (as one argument) unless ContextReplace
	// repeats their word.
	Multi bool
	// Seq is the job number, {#}.
	Seq int64
	// Slot is the worker slot, {%}.
	Slot int
	// Host is the remote host the job runs on, {host} (Options.Remote).
	Host string
}

// Template is a compiled command template. It is immutable after Compile
// and safe for concurrent use.
type Template struct {
	mode Mode
	// hasRepl is set when the template holds a replacement string.
	hasRepl bool
	// appendRec is set when the record is appended (no replacement string).
	appendRec bool
	words     []eword  // Exec
	groups    []tgroup // Shell, Plain
	cost      costs
	// total is set when the template holds {##}.
	total bool
	// src is the template as compiled and fields the record names it
	// reads, for CheckFields.
	src    string
	fields []*placeholder
}

// Compile parses the template words (joined by single spaces, as GNU parallel
// does) once. It fails on a template that cannot work for any record: an
// unterminated quote, {0}, an empty command. The error is an *Error, whose
// Column locates the mistake.
func Compile(words []string, opt Options) (*Template, error) {
	s := strings.Join(words, " ")
	t := &Template{mode: opt.Mode}
	br := &braces{s: s, opt: &opt, dollr: opt.Mode != Plain}
	var err error
	switch opt.Mode {
	case Exec:
		if t.words, err = compileExec(s, br, opt.ContextReplace); err != nil {
			return nil, err
		}
		if len(t.words) == 0 {
			return nil, &Error{Msg: "empty command"}
		}
		t.appendRec = !br.any && !opt.NoAppend
	case Shell:
		if t.groups, err = compileShell(s, br, opt.ContextReplace, opt.NoAppend); err != nil {
			return nil, err
		}
		t.appendRec = !br.any && !opt.NoAppend
	case Plain:
		if t.groups, err = compilePlain(s, br); err != nil {
			return nil, err
		}
	default:
		return nil, &Error{Msg: fmt.Sprintf("unknown mode %d", opt.Mode)}
	}
	t.hasRepl = br.any
	t.src, t.fields, t.total = s, br.fields, br.total
	t.cost = t.measure()
	return t, nil
}

// Argv expands an Exec template into argv. It costs two allocations: the
// slice, and one string holding the bytes of every word with a replacement
// string, which those words are slices of. Literal words and appended
// records are shared, not copied. No word shares memory that a later call
// reuses, so an argv stays valid for as long as the caller keeps it.
func (t *Template) Argv(d *Data) ([]string, error) {
	if t.mode != Exec {
		return nil, fmt.Errorf("template: Argv of a non-Exec template")
	}
	return t.argv(d)
}

// String expands a Shell or Plain template into one string; for an Exec
// template it returns the argv shell-quoted and joined by spaces (the first
// word also protected from being read as an assignment or keyword), so
// that piping it to sh runs the same argv. It expands into a pooled buffer
// and copies the result out once: one allocation.
func (t *Template) String(d *Data) (string, error) {
	x := newExpander(d)
	sc := getScratch()
	b, err := t.appendTo(sc.buf[:0], &x)
	var s string
	if err == nil {
		s = string(b)
	}
	sc.buf = b
	putScratch(sc)
	return s, err
}

// AppendString is String appending to dst, for allocation-free hot paths
// such as --dry-run: it allocates nothing when dst has room. On error dst
// is returned unchanged.
func (t *Template) AppendString(dst []byte, d *Data) ([]byte, error) {
	x := newExpander(d)
	out, err := t.appendTo(dst, &x)
	if err != nil {
		return dst, err
	}
	return out, nil
}

func (t *Template) appendTo(dst []byte, x *expander) ([]byte, error) {
	if t.mode == Exec {
		return t.appendExecString(dst, x)
	}
	return t.appendText(dst, x)
}

// scratch is the working memory of one String or Argv call. It is pooled
// so that a job costs only the allocations that outlive the call: the
// result is always copied out, so nothing returned aliases a scratch.
type scratch struct {
	buf []byte
	// ends pairs an argv index with the end of its word in buf (Argv).
	ends []int
}

// maxPooled bounds the buffers kept for reuse, so that one huge -X job
// does not pin its memory for the rest of the run.
const maxPooled = 1 << 20

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]byte, 0, 512)} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.buf) > maxPooled || cap(sc.ends) > maxPooled/8 {
		return
	}
	sc.buf, sc.ends = sc.buf[:0], sc.ends[:0]
	scratchPool.Put(sc)
}

// UsesTotal reports whether the template holds {##}, so that the caller
// counts the jobs (reading all input) before the first expansion.
func (t *Template) UsesTotal() bool { return t.total }

// HasReplacement reports whether the template as written holds any
// replacement string. Without one the record is appended (except for
// Plain templates and NoAppend).
func (t *Template) HasReplacement() bool { return t.hasRepl }

// FixedCost is the argument-space (bytes of strings plus pointers) that a
// job of this template takes whatever its records; RecordCost is what each
// more record adds. -X packing uses them to stay under the system limit.
// Both are estimates that err on the large side.
func (t *Template) FixedCost() int { return t.cost.fixed }

// RecordCost is the argument space record r adds to a job; see FixedCost.
func (t *Template) RecordCost(r *input.Record) int { return t.cost.record(r) }
