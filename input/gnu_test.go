package input

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// gnuCase is one behaviour pmap shares with GNU parallel. want is what
// `parallel --will-cite -k <gnu...> echo <tmpl> <args...>` printed (GNU
// parallel 20221122), and what Open must produce with cfg, formatting each
// record with tmpl. @DIR@ in args stands for a directory holding files.
type gnuCase struct {
	name  string
	gnu   []string // GNU options
	cfg   Config
	stdin string
	files map[string]string
	tmpl  string
	args  []string // words after the template: ::: and :::: sources
	want  string
}

var gnuCases = []gnuCase{
	{name: "colsep space", gnu: []string{"--colsep", " "}, cfg: Config{Colsep: " "},
		stdin: " a  b \n", tmpl: "[{1}][{2}][{3}][{4}][{5}]", want: "[][a][][b][]\n"},
	{name: "colsep space+", gnu: []string{"--colsep", " +"}, cfg: Config{Colsep: " +"},
		stdin: " a  b \n", tmpl: "[{1}][{2}][{3}][{4}]", want: "[][a][b][]\n"},
	{name: "colsep edges", gnu: []string{"--colsep", ","}, cfg: Config{Colsep: ","},
		stdin: ",a,,b,\n", tmpl: "[{1}][{2}][{3}][{4}][{5}][{6}]", want: "[][a][][b][][]\n"},
	{name: "colsep trims", gnu: []string{"--colsep", ","}, cfg: Config{Colsep: ","},
		stdin: " a , b \n\t c\t,d\n", tmpl: "[{1}][{2}]", want: "[a][b]\n[c][d]\n"},
	{name: "colsep tab escape", gnu: []string{"--colsep", `\t`}, cfg: Config{Colsep: `\t`},
		stdin: " a \t b \n", tmpl: "[{1}][{2}]", want: "[a][b]\n"},
	{name: "colsep regexp", gnu: []string{"--colsep", "[0-9]+"}, cfg: Config{Colsep: "[0-9]+"},
		stdin: "a1b22c\n", tmpl: "[{1}][{2}][{3}]", want: "[a][b][c]\n"},
	{name: "colsep empty line", gnu: []string{"--colsep", ","}, cfg: Config{Colsep: ","},
		stdin: "\na\n", tmpl: "[{1}]", want: "[]\n[a]\n"},
	{name: "colsep several sources", gnu: []string{"--colsep", ","}, cfg: Config{Colsep: ","},
		tmpl: "[{1}][{2}][{3}]", args: []string{":::", "a,b", "c", ":::", "x,y"}, want: "[a][b][x]\n[c][x][y]\n"},
	{name: "lines", stdin: "a\n\nb", tmpl: "[{}]", want: "[a]\n[]\n[b]\n"},
	{name: "-d trailing", gnu: []string{"-d", ","}, cfg: Config{Delimiter: ","},
		stdin: "x,y,z,", tmpl: "[{}]", want: "[x]\n[y]\n[z]\n"},
	{name: "-d newline ordinary", gnu: []string{"-d", "N"}, cfg: Config{Delimiter: "N"},
		stdin: "aNb\n", tmpl: "[{}]", want: "[a]\n[b\n]\n"},
	{name: "-d multi-byte", gnu: []string{"-d", "XY"}, cfg: Config{Delimiter: "XY"},
		stdin: "aXYbXYc", tmpl: "[{}]", want: "[a]\n[b]\n[c]\n"},
	{name: "-d tab escape", gnu: []string{"-d", `\t`}, cfg: Config{Delimiter: "\t"},
		stdin: "a\tb", tmpl: "[{}]", want: "[a]\n[b]\n"},
	{name: "-0", gnu: []string{"-0"}, cfg: Config{Delimiter: "\x00"},
		stdin: "a b\x00c\x00", tmpl: "[{}]", want: "[a b]\n[c]\n"},
	{name: "-d applies to :::: files", gnu: []string{"-d", ","}, cfg: Config{Delimiter: ","},
		files: map[string]string{"f": "a,b"}, tmpl: "[{}]", args: []string{"::::", "@DIR@/f"}, want: "[a]\n[b]\n"},
	{name: "product", tmpl: "{1}-{2}", args: []string{":::", "a", "b", ":::", "1", "2"},
		want: "a-1\na-2\nb-1\nb-2\n"},
	{name: "product appends", tmpl: "", args: []string{":::", "a", "b", ":::", "1", "2", ":::", "x"},
		want: "a 1 x\na 2 x\nb 1 x\nb 2 x\n"},
	{name: "link", gnu: []string{"--link"}, cfg: Config{Link: true}, args: []string{":::", "a", "b", "c", ":::", "1", "2"},
		want: "a 1\nb 2\nc 1\n"},
	{name: "link three", gnu: []string{"--link"}, cfg: Config{Link: true},
		args: []string{":::", "a", "b", "c", ":::", "1", "2", ":::", "x", "y", "z", "w"},
		want: "a 1 x\nb 2 y\nc 1 z\na 2 w\n"},
	{name: ":::+", args: []string{":::", "a", "b", "c", ":::+", "1", "2", ":::", "x", "y"},
		want: "a 1 x\na 1 y\nb 2 x\nb 2 y\n"},
	{name: ":::+ later", args: []string{":::", "a", "b", ":::", "x", "y", ":::+", "1", "2", "3"},
		want: "a x 1\na y 2\nb x 1\nb y 2\n"},
	{name: "::::+ links every file", files: map[string]string{"f1": "p\nq\nr\n", "f2": "1\n2\n"},
		args: []string{":::", "a", "b", "c", "d", "::::+", "@DIR@/f1", "@DIR@/f2"}, want: "a p 1\nb q 2\n"},
	{name: "stdin as ::::", stdin: "s1\ns2\n", args: []string{"::::", "-", ":::", "1", "2"},
		want: "s1 1\ns1 2\ns2 1\ns2 2\n"},
	{name: "-a twice", gnu: []string{"-a", "@DIR@/f1", "-a", "@DIR@/f2"}, cfg: Config{ArgFiles: []string{"@DIR@/f1", "@DIR@/f2"}},
		files: map[string]string{"f1": "p\nq\n", "f2": "1\n2\n3\n"}, want: "p 1\np 2\np 3\nq 1\nq 2\nq 3\n"},
	{name: "-a then :::", gnu: []string{"-a", "@DIR@/f1"}, cfg: Config{ArgFiles: []string{"@DIR@/f1"}},
		files: map[string]string{"f1": "p\nq\n"}, args: []string{":::", "x", "y"}, want: "p x\np y\nq x\nq y\n"},
	{name: "-r", gnu: []string{"-r"}, cfg: Config{SkipEmpty: true}, stdin: "a\n \n\t\nb\n\n", tmpl: "[{}]", want: "[a]\n[b]\n"},
	{name: "-r per source", gnu: []string{"-r"}, cfg: Config{SkipEmpty: true}, tmpl: "[{1}][{2}]",
		args: []string{":::", "a", "", ":::", "", "x"}, want: "[a][x]\n"},
	{name: "header colsep", gnu: []string{"--header", ":", "--colsep", `\t`}, cfg: Config{Header: true, Colsep: `\t`},
		stdin: "x\ty\n1\t2\n3\t4\n", tmpl: "[{x}][{y}][{1}]", want: "[1][2][1]\n[3][4][3]\n"},
	{name: "header :::", gnu: []string{"--header", ":"}, cfg: Config{Header: true}, tmpl: "[{f}][{g}]",
		args: []string{":::", "f", "a", "b", ":::", "g", "1", "2"}, want: "[a][1]\n[a][2]\n[b][1]\n[b][2]\n"},
}

// placeholder matches the replacement strings the cases use.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// format expands tmpl for rec the way GNU parallel does for these cases;
// with no template the record is appended (its Raw).
func format(tmpl string, rec Record) string {
	if tmpl == "" {
		return rec.Raw
	}
	vals := rec.Fields
	if vals == nil {
		vals = []string{rec.Raw}
	}
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		if name == "" {
			return rec.Raw
		}
		if n, err := strconv.Atoi(name); err == nil {
			if n >= 1 && n <= len(vals) {
				return vals[n-1]
			}
			return ""
		}
		if i := rec.Header.Index(name); i >= 0 && i < len(vals) {
			return vals[i]
		}
		return "MISSING(" + name + ")"
	})
}

// setup writes the case's files and returns its config, its source words
// and its GNU options with @DIR@ replaced.
func (c gnuCase) setup(t *testing.T) (cfg Config, args, gnu []string) {
	dir := t.TempDir()
	for name, body := range c.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = strings.ReplaceAll(s, "@DIR@", dir)
		}
		return out
	}
	cfg = c.cfg
	cfg.ArgFiles = sub(cfg.ArgFiles)
	return cfg, sub(c.args), sub(c.gnu)
}

func TestGNUCases(t *testing.T) {
	for _, c := range gnuCases {
		t.Run(c.name, func(t *testing.T) {
			cfg, args, _ := c.setup(t)
			_, specs, err := SplitArgs(args)
			if err != nil {
				t.Fatal(err)
			}
			src, err := Open(cfg, strings.NewReader(c.stdin), specs)
			if err != nil {
				t.Fatal(err)
			}
			defer src.(io.Closer).Close()
			var out strings.Builder
			for _, rec := range collect(t, src) {
				out.WriteString(format(c.tmpl, rec) + "\n")
			}
			if out.String() != c.want {
				t.Errorf("got %q, want %q", out.String(), c.want)
			}
		})
	}
}

// TestAgainstGNUParallel re-checks the table against GNU parallel itself,
// when it is installed, so the table cannot drift from what GNU does.
func TestAgainstGNUParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bin, err := exec.LookPath("parallel")
	if err != nil {
		t.Skip("GNU parallel is not installed")
	}
	for _, c := range gnuCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each run costs GNU parallel's ~0.1 s start-up
			_, args, gnu := c.setup(t)
			argv := append([]string{"--will-cite", "-k"}, gnu...)
			argv = append(argv, "echo")
			if c.tmpl != "" {
				argv = append(argv, c.tmpl)
			}
			argv = append(argv, args...)
			cmd := exec.Command(bin, argv...)
			cmd.Stdin = strings.NewReader(c.stdin)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("parallel %q: %v", argv, err)
			}
			if string(out) != c.want {
				t.Errorf("GNU parallel printed %q, the table says %q", out, c.want)
			}
		})
	}
}
