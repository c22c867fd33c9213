package job

import "github.com/pmap-dev/pmap/exec/template"

// Command is a job's expanded command: an argv for the exec backend, a
// script for shell backends. It is the template's own type, so that a
// template expands straight into what a backend runs.
type Command = template.Command

// Expander turns a job into the command to run on a slot. The scheduler,
// --dry-run and the remote backend (which expands again per host) share it,
// so that every one of them runs or shows the same command.
type Expander struct {
	// Template is the compiled command template; nil means each job's input
	// is itself a command line, run by the shell (no-template mode).
	Template *template.Template
	// Shell is set when Template was compiled in template.Shell mode.
	Shell bool
	// Multi is set for -N/-X jobs.
	Multi bool
	// PerSlot, when set, holds Template compiled for each slot with its
	// own values (--slot-var, {slot0}): slot i uses PerSlot[i-1].
	PerSlot []*template.Template
}

// template returns the template for slot.
func (e *Expander) template(slot int) *template.Template {
	if slot >= 1 && slot <= len(e.PerSlot) {
		return e.PerSlot[slot-1]
	}
	return e.Template
}

// Command expands j for slot.
func (e *Expander) Command(j *Job, slot int) (Command, error) {
	if e.Template == nil {
		return Command{Script: j.Input()}, nil
	}
	return e.template(slot).Command(j.Data(slot, e.Multi))
}

// AppendLine appends the command as one shell line (for --dry-run), without
// allocating when the template allows it.
func (e *Expander) AppendLine(dst []byte, j *Job, slot int) ([]byte, error) {
	if e.Template == nil {
		return append(dst, j.Input()...), nil
	}
	return e.template(slot).AppendString(dst, j.Data(slot, e.Multi))
}
