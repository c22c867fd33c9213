//go:build !unix

package output

import "os"

// terminalWidth is unknown here: the default width is used.
func terminalWidth(*os.File) int { return 0 }
