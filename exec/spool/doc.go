// Package spool keeps job output: in memory up to a budget shared by every
// buffer, then in one unlinked temporary file. A run whose output waits for a
// slow job at the head of the order therefore stays within its memory budget
// whatever the output size, and holds one file descriptor for all of it.
package spool
