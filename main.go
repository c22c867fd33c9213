// Command pmap maps a command over a stream of inputs, in parallel.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
