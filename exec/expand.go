package exec

import "github.com/pmap-dev/pmap/exec/template"

// Expander turns a job into the command to run on a slot.
type Expander struct {
	// Template is the compiled command template; nil means each job's input
	// is itself a command line, run by the shell (no-template mode).
	Template *template.Template
	// Shell is set when Template was compiled in template.Shell mode.
	Shell bool
	// Multi is set for -N/-X jobs.
	Multi bool
}

// Command expands j for slot.
func (e *Expander) Command(j *Job, slot int) (Command, error) {
	if e.Template == nil {
		return Command{Script: j.Input()}, nil
	}
	return e.Template.Command(j.data(slot, e.Multi))
}

// AppendLine appends the command as one shell line (for --dry-run), without
// allocating when the template allows it.
func (e *Expander) AppendLine(dst []byte, j *Job, slot int) ([]byte, error) {
	if e.Template == nil {
		return append(dst, j.Input()...), nil
	}
	return e.Template.AppendString(dst, j.data(slot, e.Multi))
}
