package input

// numbered sets Seq on every record of src.
type numbered struct {
	src Source
	seq int64
}

// Numbered returns src with Seq set to 1, 2, 3... in the order records come
// out. It is the last link of a chain, so that Seq is the job number ({#})
// whatever was skipped, split or combined before it.
func Numbered(src Source) Source { return &numbered{src: src} }

// Next returns the next record with its Seq.
func (n *numbered) Next() (Record, error) {
	rec, err := n.src.Next()
	if err == nil {
		n.seq++
		rec.Seq = n.seq
	}
	return rec, err
}
