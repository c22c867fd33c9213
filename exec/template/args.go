package template

import (
	"sort"

	"github.com/pmap-dev/pmap/input"
)

// A -N/-X job's arguments are GNU parallel's: each record's fields when it
// has fields no header names (one value per ::: source, --colsep or --csv
// columns), else the record itself. So with two sources `-X echo {}-{.}`
// repeats its word per value, and {3} is the job's third value, as in GNU.
// For the common job of unsplit records the arguments are the records.

// flatRecord reports whether r's fields are separate arguments of a -N/-X
// job: split, not named by a header, and readable.
func flatRecord(r *input.Record) bool {
	return r.Fields != nil && r.Header == nil && r.Err == nil
}

// nargs is the number of arguments of a -N/-X job, and of repetitions of a
// repeated word; for one record (no -N/-X) it is 1, or 0 without records.
func (x *expander) nargs() int {
	recs := x.d.Records
	if !x.d.Multi {
		return min(1, len(recs))
	}
	if x.starts == nil {
		x.starts = noStarts
		for i := range recs {
			if flatRecord(&recs[i]) {
				x.index()
				break
			}
		}
	}
	if len(x.starts) == 0 {
		return len(recs)
	}
	return x.starts[len(recs)]
}

// noStarts marks a job whose arguments are its records.
var noStarts = []int{}

// index sets starts[i] to the index of record i's first argument, and
// starts[len] to the number of arguments.
func (x *expander) index() {
	recs := x.d.Records
	x.starts = make([]int, len(recs)+1)
	n := 0
	for i := range recs {
		x.starts[i] = n
		if flatRecord(&recs[i]) {
			n += len(recs[i].Fields)
		} else {
			n++
		}
	}
	x.starts[len(recs)] = n
}

// arg returns argument k of a -N/-X job (0-based, below nargs): its record
// and its value.
func (x *expander) arg(k int) (*input.Record, string) {
	recs := x.d.Records
	if x.nargs(); len(x.starts) == 0 {
		return &recs[k], recs[k].Raw
	}
	i := sort.Search(len(recs), func(i int) bool { return x.starts[i+1] > k })
	r := &recs[i]
	if flatRecord(r) {
		return r, r.Fields[k-x.starts[i]]
	}
	return r, r.Raw
}
