package template

import (
	"fmt"
	"strconv"
	"strings"
)

// kind says what a replacement string stands for.
type kind uint8

const (
	kRecord kind = iota // {} and its modifiers: the record (all of them with -N/-X)
	kField              // {n}, {-n}: field (or, with -N/-X, argument) n
	kName               // {name}, {a.b}: named field, JSON path or --var
	kSeq                // {#}
	kSlot               // {%}
	kHost               // {host}, with Options.Remote
	kTotal              // {##}: the number of jobs (GNU --plus), Options.Total
)

// modifier is the path operation applied to a value: GNU parallel's
// {.} {/} {//} {/.} and their {n...} / {name...} forms.
type modifier uint8

const (
	modNone      modifier = iota
	modNoExt              // .
	modBase               // /
	modDir                // //
	modBaseNoExt          // /.
	// GNU parallel's --plus forms (plus.go).
	modPlusDir    // +/
	modExt        // +.
	modExt2       // +..
	modExt3       // +...
	modNoExt2     // ..
	modNoExt3     // ...
	modBaseNoExt2 // /..
	modBaseNoExt3 // /...
)

// placeholder is one compiled replacement string.
type placeholder struct {
	kind kind
	mod  modifier
	// n is the field number for kField: > 0 from the start, < 0 from the end.
	n int
	// name is the field name or JSON path for kName.
	name string
	// isVar and varVal hold the --var of the same name, used when the
	// record has no such field (record fields win over vars).
	isVar  bool
	varVal string
	// perRecord is set when the value comes from each record: {} and record
	// names. With -N/-X it is joined over the job's records, and with -X
	// (ContextReplace) its word is repeated once per record.
	perRecord bool
	// hasDef and def are the default of {name:-VALUE} and {n:-VALUE}:
	// the literal text used when the field is missing, JSON null or empty.
	hasDef bool
	def    string
	// spread is set for {name[]}: a JSON array field whose elements each
	// become a word of their own (the word repeated per element).
	spread bool
	// total is the run's number of jobs, for kTotal and a padded {0#}.
	total *int64
	// pad zero-pads {#} to the width of the number of jobs: {0#}.
	pad bool
	// sub, from and length are GNU --plus {:from} and {:from:length}:
	// the value's bytes from offset from, length of them (-1: all).
	sub          bool
	from, length int
	// text is the replacement string as written, for messages.
	text string
	// at is the byte offset of its '{' in the template, for messages.
	at int
}

// braceKind is what matchBrace found at a '{' or '}'.
type braceKind uint8

const (
	braceLiteral braceKind = iota // an ordinary character
	braceOpen                     // "{{": a literal '{'
	braceClose                    // "}}" closing an earlier "{{": a literal '}'
	bracePH                       // a replacement string
)

// braces finds replacement strings and brace escapes. It is shared by every
// mode so that a template means the same thing whatever runs it. open counts
// the "{{" escapes not yet closed: "}}" is an escape only when it closes one,
// so that awk programs ending in "}}" stay as written.
type braces struct {
	s     string
	opt   *Options
	open  int
	dollr bool // a '$' before a name-style group makes it shell syntax, not a replacement string
	// any is set once any replacement string was seen.
	any bool
	// total is set when {##} was seen.
	total bool
	// lenient keeps groups Compile refuses as text, for NeedsShell: it
	// scans the whole template whatever Compile will say of it.
	lenient bool
	// fields are the record names the template reads ({name} that is not a
	// --var, without a default), for the check against a known header.
	fields []*placeholder
}

// match looks at s[i] ('{' or '}'). It returns what is there and its length.
// prevDollar tells whether s[i-1] is a '$' (for the ${name} rule).
func (b *braces) match(i int, prevDollar bool) (braceKind, int, *placeholder, error) {
	s := b.s
	if s[i] == '}' {
		if b.open > 0 && i+1 < len(s) && s[i+1] == '}' {
			b.open--
			return braceClose, 2, nil, nil
		}
		return braceLiteral, 1, nil, nil
	}
	if i+1 < len(s) && s[i+1] == '{' {
		b.open++
		return braceOpen, 2, nil, nil
	}
	if err := b.refusePerl(i, prevDollar); err != nil {
		return 0, 0, nil, err
	}
	j := i + 1
	for j < len(s) && contentByte(s[j]) && !isDefault(s, j) {
		j++
	}
	if isDefault(s, j) {
		return b.matchDefault(i, j, prevDollar)
	}
	if strings.HasPrefix(s[j:], "[]}") {
		return b.matchSpread(i, j, prevDollar)
	}
	if err := b.refuseSpaced(i, j, prevDollar); err != nil {
		return 0, 0, nil, err
	}
	if j >= len(s) || s[j] != '}' {
		return braceLiteral, 1, nil, nil
	}
	p, err := b.parse(s[i+1:j], prevDollar && b.dollr)
	if err != nil {
		return 0, 0, nil, errAt(s, i, "%v", err)
	}
	if p == nil {
		return braceLiteral, 1, nil, b.refuse(i, j+1, s[i+1:j])
	}
	p.text = s[i : j+1]
	if err := b.found(p, i); err != nil {
		return 0, 0, nil, err
	}
	return bracePH, j + 1 - i, p, nil
}

// isDefault reports whether s[j:] starts the ":-" of {name:-VALUE}.
func isDefault(s string, j int) bool {
	return j+1 < len(s) && s[j] == ':' && s[j+1] == '-'
}

// matchDefault matches {name:-VALUE} (bash's ${v:-x}), whose ":-" is at
// s[j]: VALUE is literal text up to the next '}', without '{' or a
// newline, so that a brace group that merely looks like one (shell code,
// awk) stays as written. After a '$' it is shell syntax: ${1:-x}.
func (b *braces) matchDefault(i, j int, prevDollar bool) (braceKind, int, *placeholder, error) {
	s := b.s
	e := j + 2
	for e < len(s) && s[e] != '}' && s[e] != '{' && s[e] != '\n' {
		e++
	}
	if e >= len(s) || s[e] != '}' || prevDollar && b.dollr {
		return braceLiteral, 1, nil, nil
	}
	p, err := b.parse(s[i+1:j], false)
	if err != nil {
		return 0, 0, nil, errAt(s, i, "%v", err)
	}
	if p == nil {
		return braceLiteral, 1, nil, b.refuse(i, e+1, s[i+1:j])
	}
	if p.kind != kName && p.kind != kField && p.kind != kRecord {
		return 0, 0, nil, errAt(s, i, "%s: only the record or a field ({}, {name}, {a.b}, {n}) can have a default", s[i:e+1])
	}
	p.hasDef, p.def = true, s[j+2:e]
	p.text = s[i : e+1]
	if err := b.found(p, i); err != nil {
		return 0, 0, nil, err
	}
	return bracePH, e + 1 - i, p, nil
}

// matchSpread matches {name[]} (jq's .name[]), whose "[]" is at s[j]: a
// --json array field spread into one word per element. Like {name}, it is
// a replacement string only for named records, and never after a '$'.
func (b *braces) matchSpread(i, j int, prevDollar bool) (braceKind, int, *placeholder, error) {
	s := b.s
	text := s[i : j+3]
	p, err := b.parse(s[i+1:j], prevDollar && b.dollr)
	if err != nil {
		return 0, 0, nil, errAt(s, i, "%v", err)
	}
	if p == nil {
		return braceLiteral, 1, nil, b.refuse(i, j+3, s[i+1:j])
	}
	switch {
	case p.kind != kName:
		return 0, 0, nil, errAt(s, i, "%s: only a named JSON field ({name[]}, {a.b[]}) can be spread", text)
	case p.isVar:
		return 0, 0, nil, errAt(s, i, "%s: --var %s is a constant, not a JSON array", text, p.name)
	}
	p.spread, p.perRecord = true, false
	p.text = text
	if err := b.found(p, i); err != nil {
		return 0, 0, nil, err
	}
	return bracePH, j + 3 - i, p, nil
}

// contentByte reports whether c may appear between the braces of a
// replacement string. Anything else (space, quotes, '$', another brace)
// means the group is literal text, like awk's '{print $1}'.
func contentByte(c byte) bool {
	return nameByte(c) || c == '.' || c == '/' || c == '#' || c == '%' || c == '+'
}

// found records a replacement string at s[i].
func (b *braces) found(p *placeholder, i int) error {
	if b.opt.NoArgs && (p.kind == kRecord || p.kind == kField || p.kind == kName && !p.isVar) {
		return hintAt(b.s, i, "drop it, or drop -N 0 to give each job its record",
			"%s: -N 0 runs each job with no arguments", p.text)
	}
	p.at = i
	b.any = true
	if p.kind == kName && !p.isVar && !p.hasDef {
		b.fields = append(b.fields, p)
	}
	return nil
}

// nameByte reports whether c may appear in a field name or path segment.
// Bytes of multi-byte UTF-8 characters are allowed so that {größe} works.
func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '@' || c == ':' || c >= 0x80
}

// maxField bounds field numbers so that arithmetic on them cannot overflow.
const maxField = 1 << 30

// parse compiles the text between the braces. It returns nil (and no
// error) when the group is not a replacement string and stays literal.
func (b *braces) parse(c string, afterDollar bool) (*placeholder, error) {
	switch c {
	case "":
		return &placeholder{kind: kRecord, perRecord: true}, nil
	case "#":
		return &placeholder{kind: kSeq}, nil
	case "%":
		return &placeholder{kind: kSlot}, nil
	case "##", "0#":
		if b.opt.Total == nil && !b.lenient {
			return nil, fmt.Errorf("{%s} (from the number of jobs) is not available here", c)
		}
		b.total = true
		if c == "0#" {
			return &placeholder{kind: kSeq, pad: true, total: b.opt.Total}, nil
		}
		return &placeholder{kind: kTotal, total: b.opt.Total}, nil
	case "host":
		if b.opt.Remote {
			return &placeholder{kind: kHost}, nil
		}
	}
	if p, ok := parseSubstr(c); ok {
		return p, nil
	}
	base, mod := splitModifier(c)
	if base == "" {
		return &placeholder{kind: kRecord, mod: mod, perRecord: true}, nil
	}
	if n, ok, err := fieldNumber(base); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return &placeholder{kind: kField, mod: mod, n: n}, nil
	}
	if !validName(base) || afterDollar {
		return nil, nil
	}
	val, isVar := b.opt.Vars[base]
	if !isVar && !b.opt.Named {
		return nil, nil
	}
	return &placeholder{kind: kName, mod: mod, name: base, isVar: isVar, varVal: val, perRecord: !isVar}, nil
}

// splitModifier splits a trailing /. // / or . (or a --plus form such as
// +. or ..) off c. The longest suffix wins, so {a//} is a's dirname and
// {a/.} its basename without extension.
func splitModifier(c string) (string, modifier) {
	for _, m := range plusSuffixes {
		if strings.HasSuffix(c, m.suffix) {
			return c[:len(c)-len(m.suffix)], m.mod
		}
	}
	switch {
	case strings.HasSuffix(c, "/."):
		return c[:len(c)-2], modBaseNoExt
	case strings.HasSuffix(c, "//"):
		return c[:len(c)-2], modDir
	case strings.HasSuffix(c, "/"):
		return c[:len(c)-1], modBase
	case strings.HasSuffix(c, "."):
		return c[:len(c)-1], modNoExt
	}
	return c, modNone
}

// fieldNumber parses "3" or "-3". ok is false when s is not a number at
// all (then it may be a name); err is set for a number that cannot be a
// field (0, or absurdly large).
func fieldNumber(s string) (n int, ok bool, err error) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return 0, false, nil
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false, nil
		}
	}
	v, perr := strconv.Atoi(digits)
	if perr != nil || v > maxField {
		return 0, true, fmt.Errorf("field number %s is too large", s)
	}
	if v == 0 {
		return 0, true, fmt.Errorf("field number %s is not valid; fields start at 1", s)
	}
	if s[0] == '-' {
		v = -v
	}
	return v, true, nil
}

// ValidName reports whether {s} is a name-style replacement string, so
// that an option naming a value ({NAME} of --var) can refuse a name no
// template could reach. It is validName, the rule the parser uses.
func ValidName(s string) bool { return validName(s) }

// validName reports whether s is a field name or a dotted JSON path: parts
// separated by single dots, made of name bytes, the first part not starting
// with a digit or '-' (those are field numbers).
func validName(s string) bool {
	if s == "" || s[0] == '-' || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	prevDot := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		if !nameByte(c) {
			return false
		}
		prevDot = false
	}
	return !prevDot
}
