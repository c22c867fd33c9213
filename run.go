package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/pmap-dev/pmap/exec/proc"
)

// Exit codes of SPEC 2.6.
const (
	exitOK          = 0
	exitJobsFailed  = 1
	exitUsage       = 2
	exitHangup      = 129 // SIGHUP, when records were left undone
	exitInterrupted = 130 // SIGINT
	exitQuit        = 131 // SIGQUIT
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

// exitError ends a run with an exit code other than usage's: err, when
// set, is printed as pmap: error:, after whatever the run wrote.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitWith is an exitError: code, and err (nil: nothing more to say).
func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// run is pmap: it parses the command line, runs the jobs and maps every
// error to the exit code of the spec. It is the one place that prints
// pmap: error: and pmap: hint:.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// pmap started again as its own lifeline (exec/proc) is no command
	// line: it must not read options.
	if code, ok := proc.LifelineMain(args); ok {
		return code
	}
	inv := &invocation{args: args}
	app := newApp(stdin, stdout, stderr, inv)
	args, inv.given = normalizeArgs(args, app.Flags)
	err := app.Run(args)
	var ee *exitError
	var ue *usageError
	var te *templateError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stderr, "pmap: error: %v\n", ee.err)
		}
		return ee.code
	case errors.As(err, &te):
		ue = &usageError{err: te, hint: te.caret()}
	case !errors.As(err, &ue):
		ue = &usageError{err: err}
	}
	fmt.Fprintf(stderr, "pmap: error: %v\n", ue.err)
	hints := []string{ue.hint}
	if h := inv.envHint(ue.err.Error(), app.Flags); h != "" {
		hints = append(hints, h)
	}
	for _, h := range hints {
		for _, line := range strings.Split(h, "\n") {
			if line != "" {
				fmt.Fprintf(stderr, "pmap: hint: %s\n", line)
			}
		}
	}
	return exitUsage
}

// invocation is what run learns of the command line besides the flag values.
type invocation struct {
	// args are the arguments as given, for messages that quote them.
	args []string
	// given names the options set on the command line (not from PMAP_*).
	given map[string]bool
	// lookupEnv reads the environment (a test's fake, or os.LookupEnv).
	lookupEnv func(string) (string, bool)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, inv *invocation) *cli.App {
	app := &cli.App{
		Name:      "pmap",
		Usage:     "run a command for every input record, in parallel",
		UsageText: "pmap [options] [--] [template ...] [::: values ...] [:::: files ...]",
		Version:   version(),
		// pmap prints its own help and version: grouped in a fixed order,
		// and without a `help` command that would take the template's
		// first word for a topic.
		HideHelp:                  true,
		HideHelpCommand:           true,
		HideVersion:               true,
		DisableSliceFlagSeparator: true,
		Reader:                    stdin,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Flags:                     allFlags(),
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return inv.usageError(err, c.App.Flags)
		},
		Action: func(c *cli.Context) error {
			switch info := readInfo(c); {
			case info.help:
				writeHelp(stdout, c.App.Flags)
				return nil
			case info.version:
				fmt.Fprintf(stdout, "pmap %s (parallel mapper, github.com/pmap-dev/pmap)\n", c.App.Version)
				return nil
			case info.completion != "":
				return writeCompletion(stdout, info.completion, c.App.Flags)
			}
			for _, w := range envWarnings(os.Environ(), c.App.Flags) {
				fmt.Fprintf(stderr, "pmap: warning: %s\n", w)
			}
			o, err := readOptions(c, inv.given)
			if err != nil {
				return err
			}
			b, err := newBackend(o)
			if err != nil {
				return err
			}
			return execute(o, b, stdin, stdout, stderr)
		},
	}
	return app
}

func init() {
	// pmap prints its own help: urfave/cli must not catch -h/--help (it
	// looks for this global flag even with HideHelp set).
	cli.HelpFlag = nil
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
		dirty := false
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && len(s.Value) >= 12:
				v += "-" + s.Value[:12]
			case s.Key == "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty {
			v += "-dirty"
		}
	}
	return v
}
