//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// watchReader does nothing here: macOS does not report a pipe's reader
// going away to poll(2) reliably, so a closed stdout is noticed at pmap's
// next write to it.
func watchReader(*os.File, func()) (stop func()) { return func() {} }
