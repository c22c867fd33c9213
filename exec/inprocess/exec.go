package inprocess

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"

	"github.com/pmap-dev/pmap/exec/proc"
)

// execMiddleware replaces the interpreter's exec handler: pmap starts
// external commands itself, in the job's process group.
func (ip *InProcess) execMiddleware(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return ip.execCommand
}

// execCommand runs one external command of a job and returns its status
// as the interpreter expects it.
func (ip *InProcess) execCommand(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	js, _ := ctx.Value(jobKey{}).(*jobState)
	if js == nil {
		return errors.New("in-process shell: command outside of a job")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := ip.lookPath(hc, args[0])
	if err != nil {
		out := proc.StartError(args[0], err)
		fmt.Fprintf(hc.Stderr, "%v\n", out.Err)
		js.setLast(lastCommand{startErr: out.Err})
		return interp.ExitStatus(out.Exit)
	}

	files := [3]*os.File{ip.devNull, nil, nil}
	if f, ok := hc.Stdin.(*os.File); ok && f != nil {
		files[0] = f
	}
	var streams []*stream
	var closeW []*os.File
	for i, w := range [2]io.Writer{hc.Stdout, hc.Stderr} {
		if f, ok := w.(*os.File); ok && f != nil {
			files[i+1] = f
			continue
		}
		if bf, ok := w.(*bufFile); ok {
			files[i+1] = bf.file() // a redirection: the command writes there itself
			continue
		}
		if i == 1 && w == hc.Stdout && streams != nil {
			files[2] = files[1] // 2>&1: one pipe keeps the order
			continue
		}
		r, pw, err := proc.Pipe(ctx)
		if err != nil {
			for _, f := range closeW {
				f.Close()
			}
			return fmt.Errorf("in-process shell: %w", err)
		}
		files[i+1] = pw
		closeW = append(closeW, pw)
		streams = append(streams, newStream(r, w))
	}

	// What builtins wrote comes first (--line-buffer shows it now), and
	// the command reads the files the job wrote.
	for _, w := range [2]io.Writer{hc.Stdout, hc.Stderr} {
		if g, ok := w.(*gate); ok {
			_ = g.flush()
		}
	}
	js.flushFiles()
	env := js.env.environ(hc.Env)
	child, err := js.start(path, args, hc.Dir, env, files[:])
	if errors.Is(err, syscall.ENOEXEC) {
		// A script without #! line: shells run it with sh, and so do we.
		child, err = js.start(ip.shell(), append([]string{"sh", path}, args[1:]...), hc.Dir, env, files[:])
	}
	for _, f := range closeW {
		f.Close()
	}
	if err != nil {
		for _, s := range streams {
			s.r.Close()
		}
		if errors.Is(err, errJobEnded) {
			return context.Canceled
		}
		out := proc.StartError(args[0], err)
		fmt.Fprintf(hc.Stderr, "%v\n", out.Err)
		js.setLast(lastCommand{startErr: out.Err})
		return interp.ExitStatus(max(out.Exit, 1))
	}
	for _, s := range streams {
		go s.copy()
	}
	state, waitErr := child.Wait()
	js.drainAfter(streams)
	if waitErr != nil {
		return fmt.Errorf("in-process shell: %s: %w", args[0], waitErr)
	}
	ws := state.WaitStatus
	switch {
	case ws.Signaled():
		js.setLast(lastCommand{signal: ws.Signal()})
		return interp.ExitStatus(128 + int(ws.Signal()))
	case ws.ExitStatus() != 0:
		js.setLast(lastCommand{})
		return interp.ExitStatus(ws.ExitStatus())
	}
	js.setLast(lastCommand{})
	return nil
}

// shell is the sh that runs scripts without a #! line.
func (ip *InProcess) shell() string {
	if p, err := osexec.LookPath("sh"); err == nil {
		return p
	}
	return "/bin/sh"
}

// lookPath finds a command as the interpreter's PATH says; names found on
// pmap's own PATH are looked up once per run.
func (ip *InProcess) lookPath(hc interp.HandlerContext, name string) (string, error) {
	look := func(name string) (string, error) {
		path, err := interp.LookPathDir(hc.Dir, hc.Env, name)
		if err != nil {
			// The interpreter's error names $PATH; proc.StartError wants
			// the standard one to tell "not found" apart.
			err = fmt.Errorf("%w: %v", osexec.ErrNotFound, err)
			if strings.Contains(name, "/") {
				if _, serr := os.Stat(filepath.Join(hc.Dir, name)); serr == nil || !errors.Is(serr, os.ErrNotExist) {
					err = syscall.EACCES
				}
			}
		}
		return path, err
	}
	if ip.base.pathAbs && !strings.Contains(name, "/") && hc.Env.Get("PATH").Str == ip.base.path {
		return ip.paths.Find(name, look)
	}
	return look(name)
}

// absolutePath reports whether every PATH entry is absolute, so that a
// lookup does not depend on the job's current directory.
func absolutePath(p string) bool {
	for _, dir := range strings.Split(p, ":") {
		if !filepath.IsAbs(dir) {
			return false
		}
	}
	return true
}
