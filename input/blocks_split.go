package input

import (
	"bytes"
	"regexp"
	"strings"
)

// recordEscapes are the escapes GNU parallel reads in --recend and
// --recstart without --regexp (Perl's string escapes).
var recordEscapes = strings.NewReplacer(`\0`, "\x00", `\r`, "\r", `\n`, "\n", `\t`, "\t",
	`\'`, "'", `\"`, "\"", `\\`, `\`)

// UnescapeRecordSeparator reads a --recend or --recstart as GNU parallel
// does without --regexp: \n, \t, \r, \0, \\, \' and \" are escapes, any
// other byte is itself.
func UnescapeRecordSeparator(s string) string { return recordEscapes.Replace(s) }

// recordSplitter finds the boundaries between --pipe records: where a record end
// (--recend, or the delimiter) is followed by a record start (--recstart),
// as fixed strings or, with --regexp, as regular expressions. The boundary
// lies between the two, as in GNU parallel.
type recordSplitter struct {
	end   []byte         // the record end
	sep   []byte         // the record end followed by the record start
	re    *regexp.Regexp // --regexp: (end)start; nil for fixed strings
	width int            // len(sep): 1 lets Blocks take its fast path
}

// newRecordSplitter returns the recordSplitter of opt: its record end and start, which
// it has checked (NewBlocks has no error: a bad --regexp is a usage error
// found by CompileRecordRegexp before the run).
func newRecordSplitter(opt BlockOptions) recordSplitter {
	end := opt.Delimiter
	if end == "" && opt.RecStart == "" && !opt.Regexp {
		end = "\n"
	}
	if opt.Regexp {
		re, err := CompileRecordRegexp(end, opt.RecStart)
		if err != nil {
			panic(err) // checked by the caller
		}
		return recordSplitter{re: re}
	}
	sep := []byte(end + opt.RecStart)
	return recordSplitter{end: []byte(end), sep: sep, width: len(sep)}
}

// CompileRecordRegexp compiles --recend and --recstart with --regexp into
// one expression whose first group is the record end. As in GNU parallel,
// an empty record end is any one byte, and ^ and $ match at line breaks.
func CompileRecordRegexp(end, start string) (*regexp.Regexp, error) {
	if end == "" && start == "" {
		end = "(?s:.)"
	}
	// Each must be an expression of its own, so that the group around the
	// record end is the end and nothing else.
	for _, e := range []string{end, start} {
		if _, err := regexp.Compile(e); err != nil {
			return nil, err
		}
	}
	return regexp.Compile("(?m)(" + end + ")(?:" + start + ")")
}

// find returns the first boundary in win at or after pos, other than 0 (a
// record start at the very beginning starts the first record): at is where
// the record before it ends, last where the separator ends (the boundary
// counts for a block only when the whole separator fits in it), next where
// to look for the boundary after it. When there is none, ok is false and
// next is where to look again once win has grown.
func (s *recordSplitter) find(win []byte, pos int) (at, last, next int, ok bool) {
	for pos <= len(win) {
		var start int
		if s.re != nil {
			loc := s.re.FindSubmatchIndex(win[pos:])
			if loc == nil {
				return 0, 0, pos, false
			}
			start, at, last = pos+loc[0], pos+loc[3], pos+loc[1]
		} else {
			i := bytes.Index(win[pos:], s.sep)
			if i < 0 {
				// A separator may have begun in the last few bytes.
				return 0, 0, max(pos, len(win)-len(s.sep)+1), false
			}
			start = pos + i
			at, last = start+len(s.end), start+len(s.sep)
		}
		// The next record's start is part of it: look again past where
		// this separator began.
		next = max(at, start+1)
		if at > 0 {
			return at, last, next, true
		}
		pos = next
	}
	return 0, 0, pos, false
}

// lastIn returns the last boundary whose separator lies wholly within win,
// or 0: GNU parallel's cut of a block filled to the block size.
func (s *recordSplitter) lastIn(win []byte) int {
	if s.re == nil {
		i := bytes.LastIndex(win, s.sep)
		if i < 0 || i+len(s.end) == 0 {
			return 0
		}
		return i + len(s.end)
	}
	cut, pos := 0, 0
	for {
		at, _, next, ok := s.find(win, pos)
		if !ok {
			return cut
		}
		cut, pos = at, next
	}
}
