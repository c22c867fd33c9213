package output

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/spool"
)

// maxDirName is the longest directory name a value becomes: the limit of
// Linux and macOS file systems (GNU parallel probes for it; a longer value
// is cut, as there).
const maxDirName = 255

// ResultsDir writes --results DIR/ in GNU parallel's layout: for each job
// a directory DIR/<source>/<value>/... (one pair per input source of each
// of its records; the source is its header name with --header, else its
// number) holding the files seq (the job number), stdout and stderr.
//
// GNU parallel writes a job over an earlier one with the same values, and
// writes a value "." or ".." outside its directory. ResultsDir never
// writes over a job of the same run: a later job with the same directory
// gets one whose last name ends in \#SEQ (a name GNU's escaping never
// makes); "." and ".." are written \. and \.\. .
type ResultsDir struct {
	dir  string
	used map[string]bool // job directories written by this run
	err  error           // sticky: the first write error stops the writing
}

// OpenResultsDir creates dir (and its parents) for --results.
func OpenResultsDir(dir string) (*ResultsDir, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("--results: %w", err)
	}
	return &ResultsDir{dir: dir, used: map[string]bool{}}, nil
}

// Write writes the files of r, a job that ran (one that never started has
// no directory). The error is a WriteError.
func (d *ResultsDir) Write(r *job.Result) error {
	if d == nil || d.err != nil || r.Attempts == 0 {
		return nil
	}
	d.err = d.write(r)
	return d.err
}

func (d *ResultsDir) write(r *job.Result) error {
	names := jobDirNames(r.Job)
	rel := filepath.Join(names...)
	if d.used[rel] {
		if len(names) == 0 {
			names = []string{""}
		}
		names[len(names)-1] += `\#` + strconv.FormatInt(r.Job.Seq, 10)
		rel = filepath.Join(names...)
	}
	d.used[rel] = true
	path := filepath.Join(d.dir, rel)
	if err := os.MkdirAll(path, 0o777); err != nil {
		return WriteError("--results "+d.dir, err)
	}
	if err := os.WriteFile(filepath.Join(path, "seq"), []byte(strconv.FormatInt(r.Job.Seq, 10)), 0o666); err != nil {
		return WriteError("--results "+d.dir, err)
	}
	for _, f := range []struct {
		name string
		buf  *spool.Buffer
	}{{"stdout", r.Stdout}, {"stderr", r.Stderr}} {
		if err := writeFileFrom(filepath.Join(path, f.name), f.buf); err != nil {
			return WriteError("--results "+d.dir, err)
		}
	}
	return nil
}

// writeFileFrom writes the file name with what src holds (nothing when src
// is nil).
func writeFileFrom(name string, src *spool.Buffer) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := src.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// jobDirNames are the directory names of j under DIR: for each record, a
// source name and its escaped value per field (the whole record when it
// has no fields). A --pipe job has none.
func jobDirNames(j *job.Job) []string {
	var names []string
	for _, rec := range j.Records {
		fields := rec.Fields
		if fields == nil {
			fields = []string{rec.Raw}
		}
		for i, v := range fields {
			src := strconv.Itoa(i + 1)
			if rec.Header != nil && i < len(rec.Header.Names) {
				src = rec.Header.Names[i]
			}
			names = append(names, dirName(src), dirName(v))
		}
	}
	return names
}

// dirEscapes are GNU parallel's: \ TAB NUL and / in a value are written
// \\ \t \0 \_ .
var dirEscapes = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\x00", `\0`, "/", `\_`)

// dirName is value as one directory name: escaped as GNU parallel does,
// "." and ".." made names of their own, cut to maxDirName bytes.
func dirName(value string) string {
	switch value {
	case ".":
		return `\.`
	case "..":
		return `\.\.`
	}
	s := dirEscapes.Replace(value)
	if len(s) > maxDirName {
		s = s[:maxDirName]
	}
	return s
}
