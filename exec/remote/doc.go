// Package remote runs jobs on other machines: on --ssh hosts through the
// system's OpenSSH client (Remote), over one multiplexed master connection
// per host, and behind the launcher of a cluster engine, such as srun or
// kubectl exec, that places them (Launcher, Launched). The jobs of ":"
// (this machine) and the launcher itself run on a job.Runner the caller
// provides.
package remote
