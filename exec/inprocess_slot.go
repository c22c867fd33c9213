package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"github.com/pmap-dev/pmap/exec/template"
)

// ipSlot is one worker slot's interpreter, reset for every job rather than
// built anew, and the goroutine it runs on: a slot runs one job at a time.
type ipSlot struct {
	runner *interp.Runner
	env    ipEnv
	stdout gate
	stderr gate
	job    ipJob // the state of jobs without background statements
	data   template.Data
	busy   bool

	// The job handed to the slot's goroutine, and its outcome.
	start chan struct{}
	done  chan struct{}
	ctx   context.Context
	task  *Task
	out   Outcome
}

// slot returns slot n's interpreter, creating it on first use.
func (ip *InProcess) slot(n int) (*ipSlot, error) {
	ip.slotMu.Lock()
	if ip.closed {
		ip.slotMu.Unlock()
		return nil, errClosed
	}
	s := ip.slots[n]
	if s != nil && !s.busy {
		s.busy = true
		ip.slotMu.Unlock()
		return s, nil
	}
	ip.slotMu.Unlock()
	// First use, or a caller that runs two jobs on one slot at once: a
	// new interpreter, kept only when the slot has none.
	s = &ipSlot{busy: true, start: make(chan struct{}), done: make(chan struct{})}
	s.env = ipEnv{base: ip.base, slot: strconv.Itoa(n)}
	r, err := interp.New(
		interp.Env(&s.env),
		interp.StdIO(nil, &s.stdout, &s.stderr),
		interp.ExecHandlers(ip.execMiddleware),
		interp.OpenHandler(ip.openFile),
	)
	if err != nil {
		return nil, fmt.Errorf("in-process shell: %w", err)
	}
	s.runner = r
	go s.loop(ip)
	ip.slotMu.Lock()
	if ip.slots == nil {
		ip.slots = map[int]*ipSlot{}
	}
	if ip.slots[n] == nil {
		ip.slots[n] = s
	} else {
		ip.spare = append(ip.spare, s) // closed with the others
	}
	ip.slotMu.Unlock()
	return s, nil
}

func (ip *InProcess) release(s *ipSlot) {
	ip.slotMu.Lock()
	s.busy = false
	ip.slotMu.Unlock()
}

// errClosed is what a job gets after the backend was closed.
var errClosed = errors.New("in-process shell: closed")

// Close ends the slots' goroutines once the run is over.
func (ip *InProcess) Close() error {
	ip.slotMu.Lock()
	defer ip.slotMu.Unlock()
	if ip.closed {
		return nil
	}
	ip.closed = true
	for _, s := range ip.slots {
		close(s.start)
	}
	for _, s := range ip.spare {
		close(s.start)
	}
	if ip.devNull != nil {
		ip.devNull.Close()
	}
	return nil
}

// errJobEnded is what a write gets after its job ended: a statement left
// running in the background cannot write into the next job's output.
var errJobEnded = errors.New("the job has ended")

// gateBuffer is how much output a job's builtins may hold before it goes
// to the job's writer: builtins write in small pieces (echo writes its
// words and the newline apart), and each write to the output costs more.
const gateBuffer = 16 << 10

// gate passes writes to the current job's stdout or stderr. Background
// statements and pipelines write from several goroutines at once, and the
// job's buffers are not safe for that; after the job, writes fail.
type gate struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

func (g *gate) open(w io.Writer) {
	g.mu.Lock()
	g.w, g.err = w, nil
	g.mu.Unlock()
}

// close writes what is held and detaches the job's writer.
func (g *gate) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	err := g.flushLocked()
	g.w = nil
	return err
}

// flush writes what is held, so that output appears before an external
// command's (--line-buffer shows it as it comes).
func (g *gate) flush() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.flushLocked()
}

func (g *gate) flushLocked() error {
	if len(g.buf) == 0 || g.w == nil {
		return g.err
	}
	if g.err == nil {
		_, g.err = g.w.Write(g.buf)
	}
	g.buf = g.buf[:0]
	return g.err
}

// WriteString implements io.StringWriter: builtins write strings, which
// Write would need converted (copied) first.
func (g *gate) WriteString(p string) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return 0, errJobEnded
	}
	if len(g.buf)+len(p) > gateBuffer {
		if err := g.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > gateBuffer {
			if _, g.err = io.WriteString(g.w, p); g.err != nil {
				return 0, g.err
			}
			return len(p), nil
		}
	}
	g.buf = append(g.buf, p...)
	return len(p), nil
}

// Write implements io.Writer.
func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return 0, errJobEnded
	}
	if len(g.buf)+len(p) > gateBuffer {
		if err := g.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > gateBuffer {
			if _, g.err = g.w.Write(p); g.err != nil {
				return 0, g.err
			}
			return len(p), nil
		}
	}
	g.buf = append(g.buf, p...)
	return len(p), nil
}

// baseEnv is pmap's environment as the interpreter sees it, shared by every
// slot: read-only after newBaseEnv.
type baseEnv struct {
	vars map[string]expand.Variable
	// each is vars in a slice: the interpreter walks the whole
	// environment after every job, and a slice is quicker to walk.
	each []namedVar
	// list is the exported variables as name=value, for external commands
	// whose job did not change the environment.
	list []string
}

// newBaseEnv builds the environment from environ, without the PMAP_SEQ,
// PMAP_SLOT and PMAP_KEY of a pmap this one runs in: the job's own replace
// them.
func newBaseEnv(environ []string) *baseEnv {
	b := &baseEnv{vars: make(map[string]expand.Variable, len(environ)+3)}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name == "" || isJobVar(name) {
			continue
		}
		if _, dup := b.vars[name]; dup {
			continue // the first one wins, as getenv finds it
		}
		b.vars[name] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: val}
		b.list = append(b.list, kv)
	}
	// The interpreter would set these on every reset, at a cost of a few
	// allocations per job; they do not change while pmap runs.
	for name, v := range map[string]int{"UID": os.Getuid(), "EUID": os.Geteuid(), "GID": os.Getgid()} {
		if _, ok := b.vars[name]; !ok {
			b.vars[name] = expand.Variable{Set: true, ReadOnly: true, Kind: expand.String, Str: strconv.Itoa(v)}
		}
	}
	if _, ok := b.vars["HOME"]; !ok {
		home, _ := os.UserHomeDir()
		b.vars["HOME"] = expand.Variable{Set: true, Kind: expand.String, Str: home}
	}
	for name, vr := range b.vars {
		b.each = append(b.each, namedVar{name, vr})
	}
	return b
}

type namedVar struct {
	name string
	vr   expand.Variable
}

// varNames are the first value variables' names, made once.
var varNames = func() (names [64]string) {
	for i := range names {
		names[i] = template.VarPrefix + strconv.Itoa(i)
	}
	return names
}()

func varName(i int) string {
	if i < len(varNames) {
		return varNames[i]
	}
	return template.VarPrefix + strconv.Itoa(i)
}

func isJobVar(name string) bool {
	return name == "PMAP_SEQ" || name == "PMAP_SLOT" || name == "PMAP_KEY"
}

// ipEnv is the environment of one slot's interpreter: pmap's, plus the
// job's PMAP_SEQ, PMAP_SLOT and PMAP_KEY (exported, so external commands
// get them) and the template's variables (not exported).
type ipEnv struct {
	base           *baseEnv
	seq, slot, key string
	vals           []string // template.VarPrefix + i
	args           []string // template.ArgsVar
}

func exported(s string) expand.Variable {
	return expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: s}
}

func local(s string) expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}

// Get implements expand.Environ.
func (e *ipEnv) Get(name string) expand.Variable {
	switch name {
	case "PMAP_SEQ":
		return exported(e.seq)
	case "PMAP_SLOT":
		return exported(e.slot)
	case "PMAP_KEY":
		return exported(e.key)
	case template.ArgsVar:
		return expand.Variable{Set: true, Kind: expand.Indexed, List: e.args}
	}
	if rest, ok := strings.CutPrefix(name, template.VarPrefix); ok {
		if i, ok := varIndex(rest); ok && i < len(e.vals) {
			return local(e.vals[i])
		}
		return expand.Variable{}
	}
	return e.base.vars[name]
}

// varIndex parses the decimal index of a value variable without
// allocating; leading zeros are not ours.
func varIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Each implements expand.Environ.
func (e *ipEnv) Each(f func(name string, vr expand.Variable) bool) {
	for i := range e.base.each {
		if !f(e.base.each[i].name, e.base.each[i].vr) {
			return
		}
	}
	if !f("PMAP_SEQ", exported(e.seq)) || !f("PMAP_SLOT", exported(e.slot)) || !f("PMAP_KEY", exported(e.key)) {
		return
	}
	if !f(template.ArgsVar, expand.Variable{Set: true, Kind: expand.Indexed, List: e.args}) {
		return
	}
	for i, v := range e.vals {
		if !f(varName(i), local(v)) {
			return
		}
	}
}

// same reports whether vr is what e itself holds for name, so that an
// external command's environment need not be rebuilt for it.
func (e *ipEnv) same(name string, vr expand.Variable) bool {
	var want expand.Variable
	switch {
	case isJobVar(name):
		want = e.Get(name)
	case strings.HasPrefix(name, "__pmap_"):
		return !vr.Exported // ours, and not for external commands
	default:
		want = e.base.vars[name]
	}
	if vr.Exported != want.Exported {
		return false
	}
	if !vr.Exported {
		return true // only exported variables reach external commands
	}
	return vr.IsSet() && vr.Kind == expand.String && vr.Str == want.Str
}

// environ returns the environment for an external command started with
// env, the interpreter's view (which includes the job's assignments and
// exports).
func (e *ipEnv) environ(env expand.Environ) []string {
	changed := false
	env.Each(func(name string, vr expand.Variable) bool {
		if !e.same(name, vr) {
			changed = true
			return false
		}
		return true
	})
	if !changed {
		list := make([]string, len(e.base.list), len(e.base.list)+3)
		copy(list, e.base.list)
		return append(list, "PMAP_SEQ="+e.seq, "PMAP_SLOT="+e.slot, "PMAP_KEY="+e.key)
	}
	// Later entries win; an unset or unexported one removes an earlier.
	var list []string
	at := map[string]int{}
	env.Each(func(name string, vr expand.Variable) bool {
		i, seen := at[name]
		if !vr.IsSet() || !vr.Exported || vr.Kind != expand.String {
			if seen {
				list[i] = ""
			}
			return true
		}
		kv := name + "=" + vr.Str
		if seen {
			list[i] = kv
		} else {
			at[name] = len(list)
			list = append(list, kv)
		}
		return true
	})
	out := list[:0]
	for _, kv := range list {
		if kv != "" {
			out = append(out, kv)
		}
	}
	return out
}
