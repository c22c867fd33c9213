// Package slurm runs each job as one step of a Slurm allocation (--slurm,
// or --launcher srun ...): `srun -Q --exclusive -N1 -n1 --mem=0 -J NAME`
// in front of the job's command, on a job.Runner the caller provides (the
// process backend), so that pmap schedules, captures output and records
// results as for any local job while Slurm places the step.
//
// On top of the plain launcher it makes the records honest and the stops
// clean: a node failure that srun reports with exit 0 becomes an error
// that --retries may retry; srun's exit 128+N becomes the signal N; each
// record learns its Slurm job and step ids (a line the step writes first
// on its stderr, which pmap takes out); a step whose srun was killed is
// cancelled with scancel, and so are all of the run's steps on the second
// Ctrl-C and, through the lifeline, should pmap itself be killed. Alloc
// reads the allocation's size for -n auto.
package slurm
