//go:build race

package template

// raceEnabled is set under -race, where sync.Pool drops items at random
// on purpose, so allocation counts say nothing.
const raceEnabled = true
