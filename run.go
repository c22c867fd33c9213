package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// Exit codes of SPEC 2.6.
const (
	exitOK          = 0
	exitJobsFailed  = 1
	exitUsage       = 2
	exitInterrupted = 130 // SIGINT
	exitTerminated  = 143 // SIGTERM
	exitClosedPipe  = 141 // stdout closed, as a process killed by SIGPIPE
)

// usageError is a mistake on the command line: exit 2, with a hint.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(hint, format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), hint: hint}
}

// exitError carries a run's exit code out of the cli action.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run is pmap: it parses the command line, runs the pipeline and maps every
// error to the exit code of the spec, in this one place.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code := exitOK
	inv := &invocation{}
	app := newApp(stdin, stdout, stderr, &code, inv)
	args, inv.given = normalizeArgs(args, app.Flags)
	err := app.Run(args)
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return code
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pmap: error: %v\n", ue.err)
		if ue.hint != "" {
			fmt.Fprintf(stderr, "pmap: hint: %s\n", ue.hint)
		}
		return exitUsage
	default:
		fmt.Fprintf(stderr, "pmap: error: %v\n", err)
		return exitUsage
	}
}

// invocation is what run learns of the command line besides the flag values.
type invocation struct {
	// given names the options set on the command line (not from PMAP_*).
	given map[string]bool
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, code *int, inv *invocation) *cli.App {
	app := &cli.App{
		Name:                      "pmap",
		Usage:                     "run a command for every input record, in parallel",
		UsageText:                 "pmap [options] [--] [template ...] [::: values ...] [:::: files ...]",
		Version:                   version(),
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true,
		Reader:                    stdin,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Flags:                     flags(),
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			msg := err.Error()
			if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
				return usagef("run 'pmap --help' to see the options; put the command after them, or after --", "unknown option %s", name)
			}
			return usagef("run 'pmap --help' to see the options", "%s", msg)
		},
		Action: func(c *cli.Context) error {
			cfg, err := configure(c, inv.given)
			if err != nil {
				return err
			}
			*code = cfg.execute(stdin, stdout, stderr)
			return nil
		},
	}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version"}
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "pmap %s (parallel mapper, github.com/pmap-dev/pmap)\n", c.App.Version)
	}
	return app
}

// version is the module version from the build info, with the VCS revision
// for a development build.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "-" + s.Value[:12]
			}
		}
	}
	return v
}
