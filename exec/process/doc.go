// Package process is the backend that starts one process per job: the
// argv as is (--backend exec), or `SHELL -c SCRIPT` for a shell command
// (--backend shell). Each job runs in a process group of its own, with its
// stdin from /dev/null or its --pipe block, and is stopped with the
// termination sequence when its context ends.
package process
