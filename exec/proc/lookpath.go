package proc

import (
	"errors"
	osexec "os/exec"
	"sync"
)

// PathCache resolves each command name once per run: PATH does not change
// while pmap runs, and a lookup per job would cost a stat per PATH entry.
// The zero value is ready to use.
type PathCache struct {
	paths sync.Map // command name -> lookResult
}

type lookResult struct {
	path string
	err  error
}

// LookPath resolves name as os/exec's LookPath does, once. A name found
// relative to the current directory (through a relative PATH entry) is
// accepted, as a shell accepts it.
func (c *PathCache) LookPath(name string) (string, error) {
	return c.Find(name, lookPath)
}

func lookPath(name string) (string, error) {
	path, err := osexec.LookPath(name)
	if errors.Is(err, osexec.ErrDot) {
		err = nil
	}
	return path, err
}

// Find returns what look said of name the first time Find was asked for
// it, asking look only then: for a backend that resolves commands its own
// way (the in-process shell's PATH).
func (c *PathCache) Find(name string, look func(string) (string, error)) (string, error) {
	if v, ok := c.paths.Load(name); ok {
		r := v.(lookResult)
		return r.path, r.err
	}
	path, err := look(name)
	c.paths.Store(name, lookResult{path, err})
	return path, err
}
