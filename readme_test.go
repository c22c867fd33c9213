package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestReadmeFromPython runs every pmap line of the README's "From Python"
// section as a testscript and checks the output shown under it: "#=> OUT"
// is the whole stdout, "#=~ RE" a regexp it matches. The script is built
// from the README itself, so the two cannot drift apart.
func TestReadmeFromPython(t *testing.T) {
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var script, files strings.Builder
	inSection, inBlock := false, false
	cmds, checks := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			inSection = line == "## From Python"
		case !inSection:
		case line == "```sh":
			inBlock = true
		case line == "```":
			inBlock = false
		case !inBlock:
		case strings.HasPrefix(line, "pmap "):
			cmds++
			fmt.Fprintf(&script, "exec %s\n", line)
		case strings.HasPrefix(line, "#=> "):
			checks++
			name := fmt.Sprintf("want-%d.txt", checks)
			fmt.Fprintf(&script, "cmp stdout %s\n", name)
			fmt.Fprintf(&files, "-- %s --\n%s\n", name, strings.TrimPrefix(line, "#=> "))
		case strings.HasPrefix(line, "#=~ "):
			checks++
			re := strings.TrimPrefix(line, "#=~ ")
			fmt.Fprintf(&script, "stdout '%s'\n", strings.ReplaceAll(re, "'", "''"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cmds == 0 || checks != cmds {
		t.Fatalf("README From Python: %d pmap lines and %d output checks; want one check per line", cmds, checks)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "from_python.txtar"), []byte(script.String()+files.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// The files the README's lines name.
			for _, name := range []string{"tasks.csv", "embed.py", "kwargs.jsonl"} {
				data, err := os.ReadFile(filepath.Join("testdata", "from_python", name))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(env.WorkDir, name), data, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	})
}
