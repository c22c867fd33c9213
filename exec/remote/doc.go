// Package remote runs jobs elsewhere than on this machine's process
// table: on --ssh hosts through the system's OpenSSH client (Remote), one
// multiplexed master connection per host, and behind the launcher of a
// cluster engine such as srun or kubectl exec (Launcher, Launched). The
// jobs of this machine, and the launcher itself, are run by a job.Runner
// the caller provides.
package remote
