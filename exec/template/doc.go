// Package template turns pmap's command template into each job's command:
// it compiles the template once and expands it per job, and it is the one
// place that decides how a record's bytes are placed into a command.
//
// Expansion never re-parses the template and never lets a value become
// code: in Exec mode a value is always (part of) exactly one argv word; in
// Shell mode it is inserted in the form that yields exactly its bytes in
// the quoting context it sits in (unquoted, '...', "...", ${...}, $(...),
// backquotes, here-documents), or the expansion fails.
//
// Replacement strings are GNU parallel's: {} {.} {/} {//} {/.} {#} {%}
// {n} {-n} with modifiers ({2.} {2/.}), plus {name} for --header columns,
// JSON keys and paths ({a.b}, {a.0}) and --var constants; {name:-VALUE}
// gives a field a literal default (bash's ${v:-x}), and {name[]} spreads a
// JSON array, repeating its word once per element (spread.go). {{ is a literal
// '{', and }} a literal '}' when it closes a {{. A brace group that is
// not a replacement string, like awk's {print $1}, stays as written.
//
// The files follow the work: scan_*.go read a template once per mode
// (argv words, shell code, plain text) into pieces; expand_*.go append a
// job's expansion of those pieces in one pass; quote.go holds the quoting
// rules both use; vars.go compiles a Shell template for an interpreter
// that reads values from variables; cost.go estimates argument space.
package template
