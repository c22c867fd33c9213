//go:build !linux

package proc

import (
	"os"
	"syscall"
)

// spawn starts path in process group pgid (0: a new one) with files as its
// fds 0, 1, 2..., and registers it in children as kind. Its Wait holds an
// OS thread while it waits (os.Process.Wait).
func spawn(path string, argv []string, dir string, env []string, pgid int, files []*os.File, _ bool, kind childKind, _ bool) (int, *child, error) {
	spawnMu.RLock()
	defer spawnMu.RUnlock()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Dir: dir, Env: env, Files: files, Sys: GroupAttr(pgid)})
	if err != nil {
		return 0, nil, err
	}
	c := &child{kind: kind, proc: p}
	children.add(p.Pid, c)
	return p.Pid, c, nil
}

// setDeathSignal does nothing: there is no parent-death signal here.
func setDeathSignal(*syscall.SysProcAttr) {}

func (c *child) wait(pid int) (syscall.WaitStatus, error) {
	st, err := c.proc.Wait()
	children.remove(pid, c)
	if err != nil {
		return 0, err
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	return ws, nil
}
