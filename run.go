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
	inv.args = args
	args, inv.given = normalizeArgs(args, app.Flags)
	app.Metadata = map[string]any{givenKey: inv.given}
	err := app.Run(args)
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return code
	case errors.As(err, &ee):
		return ee.code
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

// givenKey is where run leaves the options given on the command line in
// the app's Metadata, for features that let the command line win over the
// PMAP_<NAME> variables.
const givenKey = "given"

// givenOptions returns the primary names of the options the command line
// sets (not the environment).
func givenOptions(c *cli.Context) map[string]bool {
	given, _ := c.App.Metadata[givenKey].(map[string]bool)
	return given
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, code *int, inv *invocation) *cli.App {
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
		Flags:                     append(flags(), infoFlags()...),
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return inv.usageError(err, c.App.Flags)
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.Bool("help"):
				writeHelp(stdout, c.App.Flags)
				return nil
			case c.Bool("version"):
				fmt.Fprintf(stdout, "pmap %s (parallel mapper, github.com/pmap-dev/pmap)\n", c.App.Version)
				return nil
			case c.String("completion") != "":
				return writeCompletion(stdout, c.String("completion"), c.App.Flags)
			}
			cfg, err := configure(c, inv.given)
			if err != nil {
				return withTemplateCaret(c, err)
			}
			*code = cfg.execute(stdin, stdout, stderr)
			return nil
		},
	}
	return app
}

func init() {
	// pmap prints its own help: urfave/cli must not catch -h/--help (it
	// looks for this global flag even with HideHelp set).
	cli.HelpFlag = nil
}

// infoFlags are the options that print something about pmap and exit.
// They have no PMAP_<NAME> variable: PMAP_HELP=1 must not turn every run
// into printing the help.
func infoFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "print this help and exit"},
		&cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version and exit"},
	}
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
