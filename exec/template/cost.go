package template

import "github.com/pmap-dev/pmap/input"

// costs estimates the argument space of a job for -X packing: each argv
// string costs its bytes, a NUL and a pointer.
type costs struct {
	fixed  int  // whatever the records
	perRec int  // per record, whatever its size (repeated words)
	vals   int  // how many times each record's text is inserted
	quoted bool // values are shell-quoted (Shell mode)
	append bool // the record is appended as arguments
	// spreadCopy is what one more copy of the {name[]} words costs
	// beyond their values; a record of n bytes holds at most n/2+1
	// array elements.
	spreadCopy int
}

const (
	argOverhead   = 1 + 8 // NUL + pointer
	shellOverhead = 32    // "sh" "-c" around the script
	seqCost       = 20    // digits of {#}
	slotCost      = 10    // digits of {%}
	hostCost      = 256   // a host name, {host}
)

// record is the cost of one more record r.
func (c *costs) record(r *input.Record) int {
	n := c.perRec
	if c.spreadCopy > 0 {
		n += c.spreadCopy * (len(r.Raw)/2 + 1)
	}
	if flatRecord(r) {
		// each field is an argument of its own (args.go): a repeated
		// word per field, each value quoted on its own
		n += c.perRec * (len(r.Fields) - 1)
		for _, f := range r.Fields {
			n += c.vals * c.valueCost(f)
		}
	} else if c.vals > 0 {
		n += c.vals * c.valueCost(r.Raw)
	}
	if c.append {
		if r.Fields != nil {
			for _, f := range r.Fields {
				n += c.valueCost(f) + argOverhead
			}
		} else {
			n += c.valueCost(r.Raw) + argOverhead
		}
	}
	return n
}

func (c *costs) valueCost(s string) int {
	if c.quoted {
		return quotedLen(s)
	}
	return len(s)
}

// constCost estimates a replacement string that does not depend on the
// records; ok is false for one that does.
func (c *costs) constCost(p *placeholder) (int, bool) {
	switch {
	case p.kind == kSeq || p.kind == kTotal:
		return seqCost, true
	case p.kind == kSlot:
		return slotCost, true
	case p.kind == kHost:
		return hostCost, true
	case p.spread:
		return 0, false
	case p.kind == kName && !p.perRecord:
		return max(c.valueCost(p.varVal), c.valueCost(p.def)), true
	}
	return 0, false
}

// addDefault counts p's default, which any record (and a job without
// records) may use instead of its own text.
func (c *costs) addDefault(p *placeholder) {
	if p.hasDef {
		n := c.valueCost(p.def)
		c.fixed += n
		c.perRec += n
	}
}

// measure computes the template's costs.
func (t *Template) measure() costs {
	c := costs{append: t.appendRec, quoted: t.mode == Shell}
	if t.mode == Exec {
		for i := range t.words {
			w := &t.words[i]
			if w.pieces == nil {
				c.fixed += len(w.lit) + argOverhead
				continue
			}
			n := argOverhead
			for _, p := range w.pieces {
				if p.ph == nil {
					n += len(p.lit)
				} else if k, ok := c.constCost(p.ph); ok {
					n += k
				} else {
					c.vals++
					if !w.repeat {
						c.perRec++ // the space joining -N/-X values
					}
					c.addDefault(p.ph)
				}
			}
			if w.spread > 0 {
				c.spreadCopy += n + 3
			}
			if w.repeat {
				c.perRec += n
			} else {
				c.fixed += n
			}
		}
		return c
	}
	if t.mode == Shell {
		c.fixed = shellOverhead
	}
	c.fixed += argOverhead
	for gi := range t.groups {
		g := &t.groups[gi]
		n := 0
		if g.repeat {
			n++ // the space between repetitions
		}
		for _, p := range g.pieces {
			switch {
			case p.appendArgs:
			case p.ph == nil:
				n += len(p.lit)
			default:
				if k, ok := c.constCost(p.ph); ok {
					n += k
				} else {
					c.vals++
					if !g.repeat {
						c.perRec++
					}
					c.addDefault(p.ph)
				}
			}
		}
		if g.spread > 0 {
			c.spreadCopy += n + 3 // a space and quotes per copy
		}
		if g.repeat {
			c.perRec += n
		} else {
			c.fixed += n
		}
	}
	if c.quoted && c.vals > 0 {
		// backquotes and double quotes add escapes; stay on the safe side
		c.perRec += 2 * c.vals
	}
	return c
}
