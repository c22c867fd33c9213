// Package input reads pmap's records: lines, delimited records, columns,
// CSV and TSV rows, JSON lines and ::: argument lists. It knows nothing of
// how records are run; exec pulls records from a Source one at a time.
package input
