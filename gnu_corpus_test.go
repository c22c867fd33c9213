package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The GNU comparison corpus: command lines from GNU parallel's own manuals
// (testdata/gnu/corpus.txt), each run through GNU parallel and through
// pmap in a sandbox with the same inputs. A case's class is what happened;
// the file records the class expected of each, so that a regression and an
// improvement both show. go test -run TestGNUCorpus -update rewrites the
// expected classes (and the reasons of the cases whose class changed);
// -corpus.run REGEXP limits the run (and the rewrite) to the matching ids.

var (
	updateCorpus = flag.Bool("update", false, "rewrite the expected classes of testdata/gnu/corpus.txt")
	corpusRunRE  = flag.String("corpus.run", "", "run only the corpus cases whose id matches this regular expression")
)

const corpusFile = "testdata/gnu/corpus.txt"

// The classes of a case.
const (
	classMatch       = "MATCH"        // byte-identical stdout, same exit status
	classSortedMatch = "SORTED-MATCH" // the same lines in another order (sort: yes), same exit status
	classRefused     = "REFUSED"      // pmap exits 2 with a hint
	classDifferent   = "DIFFERENT"    // anything else: a silent difference
	// classDocumented is expected for a DIFFERENT case that pmap keeps on
	// purpose (the exit status SPEC §2.6 sets, -n being GNU's -j): its why
	// names the entry of DIFFERENCES FROM GNU PARALLEL in man/pmap.1.
	classDocumented = "DOCUMENTED"
)

// corpusCase is one command line of the corpus.
type corpusCase struct {
	id     string
	from   string // manual and section it comes from
	cmd    string // bash command line; "parallel" is GNU parallel or pmap
	stdin  string
	sorted bool // output order is not deterministic: compare sorted lines
	expect string
	why    string
	line   int // of the "== id" line, for messages and -update
}

// corpusRun is what one run of a case gave.
type corpusRun struct {
	stdout, stderr []byte
	exit           int
}

func parseCorpus(t *testing.T, data string) []*corpusCase {
	t.Helper()
	var cases []*corpusCase
	var c *corpusCase
	ids := map[string]bool{}
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if id, ok := strings.CutPrefix(line, "== "); ok {
			if ids[id] {
				t.Fatalf("%s:%d: case %s again", corpusFile, i+1, id)
			}
			ids[id] = true
			c = &corpusCase{id: id, line: i + 1}
			cases = append(cases, c)
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if !ok || c == nil {
			t.Fatalf("%s:%d: want \"== id\" or \"key: value\": %q", corpusFile, i+1, line)
		}
		switch key {
		case "from":
			c.from = val
		case "cmd":
			c.cmd = val
		case "stdin":
			s, err := strconv.Unquote(`"` + val + `"`)
			if err != nil {
				t.Fatalf("%s:%d: stdin: %v", corpusFile, i+1, err)
			}
			c.stdin = s
		case "sort":
			c.sorted = val == "yes"
		case "expect":
			c.expect = val
		case "why":
			c.why = val
		default:
			t.Fatalf("%s:%d: unknown key %q", corpusFile, i+1, key)
		}
	}
	for _, c := range cases {
		if c.cmd == "" || c.from == "" {
			t.Fatalf("%s:%d: case %s needs from: and cmd:", corpusFile, c.line, c.id)
		}
	}
	return cases
}

// corpusFixtures writes the input files of GNU's tutorial (its "Input
// files" section) into dir.
func corpusFixtures(t *testing.T, dir string) {
	t.Helper()
	var num = func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			b.WriteString(strconv.Itoa(i))
			b.WriteByte('\n')
		}
		return b.String()
	}
	files := map[string]string{
		"abc-file":     "A\nB\nC\n",
		"def-file":     "D\nE\nF\n",
		"abc0-file":    "A\x00B\x00C\x00",
		"abc_-file":    "A_B_C_",
		"tsv-file.tsv": "f1\tf2\nA\tB\nC\tD\n",
		"num8":         num(8),
		"num128":       num(128),
		"num30000":     num(30000),
		"num_%header":  "%head1\n%head2\n" + num(10),
		"fixedlen":     "HHHHAAABBBCCC",
		"csv-file.csv": "a,b\n1,\"x,y\"\n2,z\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"dir/sub", "A", "D"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"dir/sub/file.ex1.ex2.ex3", "A/B.C", "D/E.F", "foo.tar.gz"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wrapperDir returns a directory holding an executable "parallel" that
// runs script. It is a bash script: dash would drop the exported functions
// (BASH_FUNC_f%%) from the environment.
func wrapperDir(t *testing.T, bash, script string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "parallel"), []byte("#!"+bash+"\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runCorpusCase runs c's command line with parallel from bin, in a fresh
// copy of the fixtures.
func runCorpusCase(c *corpusCase, bin, fixtures string) (corpusRun, error) {
	dir, err := os.MkdirTemp("", "pmap-corpus-")
	if err != nil {
		return corpusRun{}, err
	}
	defer os.RemoveAll(dir)
	// Hard links: the inputs are shared, and what a case writes (A/B.out,
	// --results outdir) lands in its own directories.
	err = filepath.WalkDir(fixtures, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == fixtures {
			return err
		}
		rel, err := filepath.Rel(fixtures, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Mkdir(filepath.Join(dir, rel), 0o755)
		}
		return os.Link(path, filepath.Join(dir, rel))
	})
	if err != nil {
		return corpusRun{}, err
	}
	// HOME and TMPDIR out of sight of ls: GNU keeps its files there.
	home, tmp := filepath.Join(dir, ".home"), filepath.Join(dir, ".tmp")
	for _, d := range []string{home, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return corpusRun{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := osexec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", c.cmd)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PMAP_") || strings.HasPrefix(kv, "PARALLEL") ||
			strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "LC_") ||
			strings.HasPrefix(kv, "TMPDIR=") || strings.HasPrefix(kv, "SHELL=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "TMPDIR="+tmp, "LC_ALL=C", "SHELL=/bin/bash")
	cmd.Stdin = strings.NewReader(c.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	r := corpusRun{stdout: out.Bytes(), stderr: errb.Bytes()}
	if ctx.Err() != nil {
		r.exit = -1
		r.stderr = append(r.stderr, "(timed out)\n"...)
	} else if ee, ok := err.(*osexec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		return corpusRun{}, fmt.Errorf("%s: %w", c.id, err)
	}
	return r, nil
}

// classify compares pmap's run p with GNU's run g.
func classify(c *corpusCase, g, p corpusRun) (class, why string) {
	switch {
	case c.sorted && sortedLines(g.stdout) == sortedLines(p.stdout) && g.exit == p.exit:
		// never MATCH, even when the order happens to agree: the class
		// of a case must not depend on timing
		return classSortedMatch, ""
	case !c.sorted && bytes.Equal(g.stdout, p.stdout) && g.exit == p.exit:
		return classMatch, ""
	case bytes.Contains(p.stderr, []byte("\npmap: hint:")) && (p.exit == 2 || strings.ContainsAny(c.cmd, ";&|")):
		// exit 2 with a hint; in a command list the status of pmap
		// itself is not the case's, and its usage error tells
		return classRefused, firstLine(p.stderr, "pmap: error:")
	}
	if line := firstLine(p.stderr, "pmap: error:"); line != "" {
		return classDifferent, fmt.Sprintf("exit %d (GNU %d): %s", p.exit, g.exit, line)
	}
	if g.exit != p.exit {
		return classDifferent, fmt.Sprintf("exit %d, GNU %d", p.exit, g.exit)
	}
	gl, pl := strings.SplitAfter(string(g.stdout), "\n"), strings.SplitAfter(string(p.stdout), "\n")
	for i := 0; i < len(gl) || i < len(pl); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(pl) {
			b = pl[i]
		}
		if a != b {
			return classDifferent, fmt.Sprintf("stdout line %d: GNU %.60q, pmap %.60q", i+1, a, b)
		}
	}
	return classDifferent, "stdout differs"
}

func sortedLines(b []byte) string {
	lines := strings.SplitAfter(string(b), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "")
}

// firstLine returns the first line of b that starts with prefix.
func firstLine(b []byte, prefix string) string {
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestGNUCorpus runs the corpus through GNU parallel and pmap and checks
// each case's class against the one the file expects.
func TestGNUCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the corpus runs GNU parallel some 200 times")
	}
	gnu, err := osexec.LookPath("parallel")
	if err != nil {
		t.Skip("GNU parallel is not installed (CI installs it)")
	}
	if out, err := osexec.Command(gnu, "--version").Output(); err != nil || !bytes.HasPrefix(out, []byte("GNU parallel")) {
		t.Skipf("%s is not GNU parallel", gnu)
	}
	bash, err := osexec.LookPath("bash")
	if err != nil {
		t.Skip("the corpus's command lines are bash")
	}
	pmap, err := osexec.LookPath("pmap")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := parseCorpus(t, string(data))
	only, err := regexp.Compile(*corpusRunRE)
	if err != nil {
		t.Fatalf("-corpus.run: %v", err)
	}
	fixtures := t.TempDir()
	corpusFixtures(t, fixtures)
	gnuBin := wrapperDir(t, bash, "exec "+strconv.Quote(gnu)+` --will-cite "$@"`)
	pmapBin := wrapperDir(t, bash, "exec "+strconv.Quote(pmap)+` "$@"`)

	got := make([]string, len(cases))
	whys := make([]string, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for i, c := range cases {
		if !only.MatchString(c.id) {
			got[i], whys[i] = c.expect, c.why // not run: left as it is
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			defer func() {
				if d := time.Since(start); d > 2*time.Second {
					t.Logf("%s: slow: %v", c.id, d.Round(time.Millisecond))
				}
			}()
			g, err := runCorpusCase(c, gnuBin, fixtures)
			if err != nil {
				t.Error(err)
				return
			}
			p, err := runCorpusCase(c, pmapBin, fixtures)
			if err != nil {
				t.Error(err)
				return
			}
			got[i], whys[i] = classify(c, g, p)
			if testing.Verbose() && got[i] == classDifferent {
				t.Logf("%s: %s\n  GNU  (exit %d): %.300q\n  pmap (exit %d): %.300q\n  pmap stderr: %.300q",
					c.id, whys[i], g.exit, g.stdout, p.exit, p.stdout, p.stderr)
			}
		}()
	}
	wg.Wait()

	count, ran := map[string]int{}, 0
	for _, c := range cases {
		if only.MatchString(c.id) {
			ran++
		}
	}
	for i, c := range cases {
		if got[i] == classDifferent && c.expect == classDocumented {
			got[i], whys[i] = classDocumented, c.why
		}
		count[got[i]]++
		if got[i] != c.expect && !*updateCorpus {
			t.Errorf("%s:%d: %s: %s, expected %s (%s)\n  cmd: %s", corpusFile, c.line, c.id, got[i], c.expect, whys[i], c.cmd)
		}
	}
	t.Logf("GNU corpus: %d cases (%d run, the others as expected): %d MATCH, %d SORTED-MATCH, %d REFUSED, %d DOCUMENTED, %d DIFFERENT",
		len(cases), ran, count[classMatch], count[classSortedMatch], count[classRefused], count[classDocumented], count[classDifferent])
	if *updateCorpus {
		if err := os.WriteFile(corpusFile, []byte(rewriteCorpus(string(data), cases, got, whys)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rewriteCorpus sets each case's expect: line to its class; a case whose
// class changed gets the new reason (none for a match).
func rewriteCorpus(data string, cases []*corpusCase, got, whys []string) string {
	byLine := map[int]int{}
	for i, c := range cases {
		byLine[c.line] = i
	}
	var out []string
	cur := -1
	flush := func() {
		if cur < 0 {
			return
		}
		out = append(out, "expect: "+got[cur])
		why := cases[cur].why
		if got[cur] != cases[cur].expect {
			why = whys[cur]
		}
		if why != "" && got[cur] != classMatch && got[cur] != classSortedMatch {
			out = append(out, "why: "+why)
		}
		cur = -1
	}
	lines := strings.Split(strings.TrimRight(data, "\n"), "\n")
	for n, line := range lines {
		if i, ok := byLine[n+1]; ok {
			flush()
			cur = i
		}
		if cur >= 0 && (strings.HasPrefix(line, "expect: ") || strings.HasPrefix(line, "why: ")) {
			continue
		}
		if cur >= 0 && line == "" {
			flush()
		}
		out = append(out, line)
	}
	flush()
	return strings.Join(out, "\n") + "\n"
}

// TestGNUCorpusFile checks the corpus file without running it: every case
// has a known expected class, a DIFFERENT or REFUSED one a reason, and
// rewriting the file with its own classes changes nothing.
func TestGNUCorpusFile(t *testing.T) {
	data, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	cases := parseCorpus(t, string(data))
	if len(cases) < 80 {
		t.Errorf("%d cases, want at least 80", len(cases))
	}
	got := make([]string, len(cases))
	for i, c := range cases {
		switch c.expect {
		case classMatch, classSortedMatch:
		case classRefused, classDifferent, classDocumented:
			if c.why == "" {
				t.Errorf("%s:%d: %s: %s needs a why:", corpusFile, c.line, c.id, c.expect)
			}
		default:
			t.Errorf("%s:%d: %s: expect %q", corpusFile, c.line, c.id, c.expect)
		}
		if c.expect == classSortedMatch && !c.sorted {
			t.Errorf("%s:%d: %s: SORTED-MATCH without sort: yes", corpusFile, c.line, c.id)
		}
		got[i] = c.expect
	}
	if out := rewriteCorpus(string(data), cases, got, make([]string, len(cases))); out != string(data) {
		t.Errorf("rewriting %s with its own classes changes it", corpusFile)
	}
}
