package input

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// PipeHeader compiles GNU parallel's --header value for --pipe: a number N
// is the first N lines, ":" the first line, anything else a regular
// expression that the header matches from the start of the input. Blocks
// puts the header in front of every block. 0 is no header (nil), as in GNU
// parallel, where the value 0 is false.
func PipeHeader(value string) (*regexp.Regexp, error) {
	pattern := value
	if value == ":" {
		pattern = `.*\n`
	} else if n, err := strconv.Atoi(value); err == nil && value[0] != '+' && value[0] != '-' {
		if n > 1<<16 {
			return nil, fmt.Errorf("--header %s: want at most %d lines", value, 1<<16)
		}
		if n == 0 {
			return nil, nil
		}
		pattern = strings.Repeat(`.*\n`, n)
	}
	if pattern == "" {
		return nil, errors.New("--header: empty")
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)`)
	if err != nil {
		return nil, fmt.Errorf("--header %q: %w", value, err)
	}
	return re, nil
}

// readHeader takes the header off the front of the input, reading until it
// matches or the input ends (then there is no header and every byte is
// data), as GNU parallel does.
func (b *Blocks) readHeader() error {
	b.headerRead = true
	for {
		win := b.buf[b.head:b.tail]
		if loc := b.headerRE.FindIndex(win); loc != nil && (len(win) > 0 || b.eof) {
			b.header = append([]byte(nil), win[:loc[1]]...)
			b.head += loc[1]
			return nil
		}
		if b.eof {
			return nil
		}
		if err := b.fill(); err != nil {
			return err
		}
	}
}
