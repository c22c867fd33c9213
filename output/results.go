package output

import (
	"fmt"
	"os"
)

// OpenResults opens path for --results' JSON lines. With resume (--resume,
// --resume-failed) the file is appended to, after the records of the run
// that ran the skipped jobs, and a last record cut short by a kill or a
// full disk is dropped first, as in the joblog; otherwise it is started
// afresh.
func OpenResults(path string, resume bool) (*os.File, error) {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if resume {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, 0o666)
	if err != nil {
		return nil, fmt.Errorf("--results: %w", err)
	}
	if !resume {
		return f, nil
	}
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() && st.Size() > 0 {
		_, err = dropCutLine(f, st.Size())
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("--results: %w", err)
	}
	return f, nil
}
