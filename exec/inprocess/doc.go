// Package inprocess is the backend that interprets each job's shell
// command inside pmap with an embedded POSIX/bash interpreter
// (mvdan.cc/sh), one interpreter per worker slot: builtins, variables and
// redirections cost no process, and the external commands a job starts
// still run as processes, in one process group per job, stopped with the
// termination sequence like the process backend's jobs.
package inprocess
