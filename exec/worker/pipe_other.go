//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package worker

import "os"

// pipeBuffered cannot tell on this system how much of a pipe is unread:
// every worker that ends without answering is taken to have read its
// record.
func pipeBuffered(*os.File) (n int, ok bool) { return 0, false }
