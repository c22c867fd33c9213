package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"unicode/utf8"
)

// Config is the input half of pmap's options.
type Config struct {
	// Delimiter separates records: "" or "\n" for lines (the default),
	// "\x00" for -0, or the result of ParseDelimiter for -d.
	Delimiter string
	// Colsep is the --colsep regular expression; "" for none. With CSV it
	// is the field separator instead and must be one character (or an
	// escape of ParseDelimiter for one: \t).
	Colsep string
	// CSV, TSV and JSON select --csv, --tsv and --json.
	CSV, TSV, JSON bool
	// Header takes the first record of each source as field names. Without
	// --colsep, --csv or --tsv it implies --tsv, as GNU parallel's --header
	// implies --colsep '\t'.
	Header bool
	// SkipEmpty is -r: drop empty and whitespace-only records.
	SkipEmpty bool
	// Link is --link: zip all sources instead of multiplying them.
	Link bool
	// Shuffle is --shuf: the records, read to the end first, in a random
	// order (Shuffled).
	Shuffle bool
	// Trim is GNU parallel's --trim: "" (the default: --colsep fields
	// trimmed on both sides, records as read), "n" (nothing trimmed),
	// "l", "r", "lr" or "rl" (records and --colsep fields trimmed on
	// that side).
	Trim string
	// ArgFiles are the -a files, in order; each is its own source, before
	// the ::: and :::: sources, like `:::: FILE FILE`.
	ArgFiles []string
	// EOF, when not "", ends each source at a record that is exactly it
	// (-E, as in xargs and GNU parallel): it and what follows are not read.
	EOF string
}

// check rejects option combinations that have no meaning.
func (c Config) check() error {
	switch {
	case c.JSON && c.CSV:
		return errors.New("--json and --csv cannot be combined")
	case c.JSON && c.TSV:
		return errors.New("--json and --tsv cannot be combined")
	case c.JSON && c.Colsep != "":
		return errors.New("--json and --colsep cannot be combined: JSON lines name their own fields")
	case c.JSON && c.Header:
		return errors.New("--json and --header cannot be combined: JSON objects name their own fields")
	case c.Trim != "" && c.Trim != "n" && c.Trim != "l" && c.Trim != "r" && c.Trim != "lr" && c.Trim != "rl":
		return fmt.Errorf("--trim %q: want n, l, r, lr or rl", c.Trim)
	case c.Trim != "" && (c.CSV || c.TSV || c.JSON):
		return errors.New("--trim applies to lines and --colsep fields, not to --csv, --tsv or --json fields")
	case c.CSV && c.TSV:
		return errors.New("--csv and --tsv cannot be combined")
	case c.TSV && c.Colsep != "":
		return errors.New("--tsv and --colsep cannot be combined (--tsv is --colsep for exact TAB columns)")
	case c.CSV && c.Colsep != "":
		_, err := csvComma(c.Colsep)
		return err
	}
	return nil
}

// csvComma is the field separator of --csv --colsep SEP: one character, as
// is or as one of -d's escapes (\t, \xHH), since a TAB is awkward to type
// and --failed writes TAB-separated rows.
func csvComma(colsep string) (rune, error) {
	sep := colsep
	if utf8.RuneCountInString(sep) != 1 {
		var err error
		if sep, err = ParseDelimiter(colsep); err != nil || utf8.RuneCountInString(sep) != 1 {
			return 0, fmt.Errorf("--csv with --colsep %q: the CSV separator must be a single character", colsep)
		}
	}
	r, _ := utf8.DecodeRuneInString(sep)
	if r == 0 || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, fmt.Errorf("--csv with --colsep %q: not a usable CSV separator", colsep)
	}
	return r, nil
}

// Open builds the whole input chain for cfg: it opens every source (the -a
// files, then specs from SplitArgs; stdin when there are none), reads each
// with the configured delimiter and splitter, drops blank records (-r),
// takes headers, combines the sources and numbers the records. Errors are
// for the user and mean pmap cannot run (exit 2): an invalid option
// combination, a bad --colsep, an unreadable file (the *fs.PathError, e.g.
// "open data.csv: no such file or directory", so errors.Is(err,
// fs.ErrNotExist) works).
//
// The returned Source also implements io.Closer, closing any files still
// open; a file is closed by itself once read to the end.
func Open(cfg Config, stdin io.Reader, specs []Spec) (Source, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	all := make([]Spec, 0, len(cfg.ArgFiles)+len(specs))
	for _, f := range cfg.ArgFiles {
		if f == "" {
			return nil, errors.New("-a got an empty file name")
		}
		all = append(all, Spec{File: f})
	}
	all = append(all, specs...)
	if len(all) == 0 {
		all = append(all, Spec{File: "-"})
	}
	stdins := 0
	for _, s := range all {
		if s.isFile() && s.File == "-" {
			stdins++
		}
	}
	if stdins > 1 {
		return nil, errors.New("standard input (-) can be read only once")
	}
	if cfg.JSON && len(all) > 1 {
		return nil, errors.New("--json reads one input source; got several")
	}
	b, err := newBuilder(cfg)
	if err != nil {
		return nil, err
	}
	o := &opened{}
	src, err := Combine(all, cfg.Link, func(s Spec) (Source, error) {
		return b.open(s, stdin, o)
	})
	if err != nil {
		o.Close()
		return nil, err
	}
	if cfg.Shuffle {
		src = Shuffled(src)
	}
	o.Source = Numbered(src)
	return o, nil
}

// opened is Open's result: the chain plus the files it opened.
type opened struct {
	Source
	files []*os.File
}

// Close closes every file the chain opened (closing twice is harmless).
func (o *opened) Close() error {
	var errs []error
	for _, f := range o.files {
		if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// builder makes the per-source chain: reader, splitter, -r, header.
type builder struct {
	cfg   Config
	delim string
	comma rune
	split func(string) []string // --colsep or --tsv; nil otherwise
}

func newBuilder(cfg Config) (*builder, error) {
	b := &builder{cfg: cfg, delim: cfg.Delimiter, comma: ','}
	if b.delim == "" {
		b.delim = "\n"
	}
	switch {
	case cfg.CSV:
		if cfg.Colsep != "" {
			var err error
			if b.comma, err = csvComma(cfg.Colsep); err != nil {
				return nil, err
			}
		}
	case cfg.JSON:
	case cfg.Colsep != "":
		split, err := colsepSplitter(cfg.Colsep, cfg.Trim)
		if err != nil {
			return nil, err
		}
		b.split = split
	case cfg.TSV, cfg.Header:
		b.split = splitTab
	}
	return b, nil
}

// open returns the chain for one source.
func (b *builder) open(s Spec, stdin io.Reader, o *opened) (Source, error) {
	name := s.name()
	var src Source
	if !s.isFile() {
		vals := s.Values
		if b.delim != "\n" && !b.cfg.CSV && !b.cfg.JSON {
			// -d: GNU parallel splits ::: values too. A newline in a
			// value (GNU splits there as well) keeps the value whole, so
			// that any value a record can hold can be given as one.
			vals = SplitValues(vals, b.delim)
		}
		src = NewValues(vals)
	} else {
		r := stdin
		if s.File != "-" {
			f, err := openFile(s.File)
			if err != nil {
				return nil, err
			}
			o.files = append(o.files, f)
			r = &closeAtEnd{f: f}
		}
		if b.cfg.CSV && b.delim == "\n" {
			src = NewCSV(r, name, b.comma)
		} else {
			src = NewDelimited(r, b.delim, name)
		}
	}
	if left, right := trimSides(b.cfg.Trim); left || right {
		src = &trimmer{src: src, left: left, right: right}
	}
	switch {
	case b.cfg.JSON:
		src = NewJSON(src, name)
	case b.cfg.CSV:
		if _, streamed := src.(*csvSource); !streamed {
			src = NewCSVFields(src, name, b.comma)
		}
	case b.split != nil:
		src = &splitter{src: src, split: b.split}
	}
	if b.cfg.EOF != "" {
		src = &untilEOF{src: src, eof: b.cfg.EOF}
	}
	if b.cfg.SkipEmpty {
		src = SkipEmpty(src)
	}
	if b.cfg.Header {
		src = WithHeader(src)
	}
	return src, nil
}

// openFile opens an input file, refusing a directory up front (reading one
// would only fail later, in the middle of the run).
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("is a directory")}
	}
	return f, nil
}

// closeAtEnd closes a file as soon as it has been read to the end (or fails),
// so a long product over many :::: files does not hold them all open.
type closeAtEnd struct {
	f   *os.File
	err error // the error that ended reading, repeated from then on
}

// Read reads from the file, closing it at the first error or io.EOF.
func (c *closeAtEnd) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.f.Read(p)
	if err != nil {
		c.err = err
		c.f.Close()
	}
	return n, err
}
