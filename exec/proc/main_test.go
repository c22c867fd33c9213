package proc

import (
	"os"
	"testing"
)

// TestMain lets this test binary serve as its own lifeline: Supervise starts
// /proc/self/exe in the lifeline mode.
func TestMain(m *testing.M) {
	if code, ok := LifelineMain(os.Args); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}
