package output

import (
	"fmt"
	"os"

	"github.com/pmap-dev/pmap/exec/job"
)

// emitFile writes r's standard output to a new file in the --tmpdir
// directory and prints the file's name on stdout, a line per job in output
// order (--files, as in GNU parallel); its standard error goes to stderr
// as usual (GNU drops it). A job that never ran has no file.
func (w *Writer) emitFile(r *job.Result) {
	if r.Attempts == 0 {
		return
	}
	name, err := writeJobFile(w.opt.TmpDir, r)
	if err != nil {
		w.fail(WriteError("--files", err))
		return
	}
	w.out.mu.Lock()
	w.out.write([]byte(name + "\n"))
	w.out.mu.Unlock()
	w.copied(r, copyTagged(&w.err, r.Stderr, "", w.opt.Stop))
}

// writeJobFile writes r's standard output to a new file in dir (the
// system's temporary directory when ""), named like GNU parallel's:
// parNNN.par.
func writeJobFile(dir string, r *job.Result) (string, error) {
	f, err := os.CreateTemp(dir, "par*.par")
	if err != nil {
		return "", err
	}
	if _, err := r.Stdout.WriteTo(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("job %d: %w", r.Job.Seq, err)
	}
	return f.Name(), f.Close()
}
