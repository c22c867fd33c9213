//go:build !linux

package proc

// sysSupervision is empty where the system has no child subreaper: a
// process that leaves its job's process group is not stopped with the job,
// and no lifeline outlives a pmap killed with SIGKILL (see the man page's
// BUGS).
type sysSupervision struct{}

func (*sysSupervision) start(*supervision)                  {}
func (*sysSupervision) end(*supervision)                    {}
func (*sysSupervision) beforeStart(*supervision)            {}
func (*sysSupervision) removeIfKilled(*supervision, string) {}
func (*sysSupervision) runIfKilled(*supervision, []string)  {}

func afterReap() {}
func sweepSoon() {}

// LifelineMain reports that args are never the lifeline mode's here: there
// is none.
func LifelineMain([]string) (code int, ok bool) { return 0, false }
