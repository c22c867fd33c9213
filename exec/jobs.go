package exec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/pmap-dev/pmap/exec/job"
	"github.com/pmap-dev/pmap/exec/template"
	"github.com/pmap-dev/pmap/input"
)

// argSpace is the room for one command's arguments and environment. Linux
// allows far more (a quarter of the stack limit), but 128 KiB is what xargs
// uses by default and what every Unix accepts; a single argument (a shell
// script) may not pass 128 KiB on Linux in any case.
const argSpace = 128 << 10

// JobSource groups records into numbered jobs: one record per job, N with
// -N, or as many as fit the argument space with -X; or, with --pipe, makes
// one job of each block of input, fed to the job's stdin.
type JobSource struct {
	src input.Source
	// blocks is the --pipe input; src is nil then.
	blocks BlockSource
	// parts is the --pipepart input, ranges of partFile after partHeader;
	// src is nil then.
	parts      PartSource
	partFile   string
	partHeader []byte
	// MaxArgs is -N: records per job (0 or 1 = one).
	MaxArgs int
	// Pack is the template -X packs for; nil without -X.
	Pack *template.Template
	// Workers spreads a small -X input evenly over the slots, as GNU
	// parallel does, instead of giving everything to one job.
	Workers int
	// Key expands --key for each job; nil keys jobs by their number.
	Key *template.Template
	// UniqueKeys makes a job whose key an earlier job already has a
	// failure (kind error) naming that job, for output keyed by name
	// (--format map, object): a JSON object keeps only one value per
	// key, so a second result under it would be lost without a word.
	UniqueKeys bool
	// keys maps each key given so far to its job, with UniqueKeys.
	keys map[string]int64
	// Vars are the --var constants: a record field of one of their names
	// is an error (varcheck.go); checked is the last header checked.
	Vars    map[string]string
	checked *input.Header
	// Defaults are the --default values of JSON fields (defaults.go).
	Defaults map[string]string
	// Shard keeps only the jobs of one --shard; the others are numbered
	// and dropped.
	Shard Shard

	seq     int64
	held    []input.Record // -X: read but not yet given to a job
	split   int            // -X: records per job once the input is known to be small
	started bool
	eof     bool
}

// NewJobSource returns jobs made of src's records.
func NewJobSource(src input.Source) *JobSource { return &JobSource{src: src} }

// BlockSource yields the blocks of --pipe, each whole records of the input
// as read, or io.EOF after the last; *input.Blocks is one.
type BlockSource interface {
	Next() ([]byte, error)
}

// NewPipeJobSource returns one job per block of src (--pipe): the block is
// the job's Stdin and the job has no records, so {} and its forms are
// empty while {#} and {%} work as usual. MaxArgs and Pack do not apply:
// the blocks are already cut.
func NewPipeJobSource(src BlockSource) *JobSource { return &JobSource{blocks: src} }

// PartSource yields the byte ranges of --pipepart, where each starts and
// how long it is, or io.EOF after the last; *input.Parts is one.
type PartSource interface {
	Next() (off, n int64, err error)
}

// NewPartJobSource returns one job per range of the file path (--pipepart):
// the job reads header and its range from the file itself (job.Part) and,
// as with --pipe, has no records.
func NewPartJobSource(src PartSource, path string, header []byte) *JobSource {
	return &JobSource{parts: src, partFile: path, partHeader: header}
}

// Multi reports whether jobs are -N/-X jobs, which changes what {n}
// means: -N 1 too, as in GNU parallel (its {} is then each of the
// record's values, one per ::: source).
func (s *JobSource) Multi() bool { return s.MaxArgs >= 1 || s.Pack != nil }

// Next returns the next job of the shard, or io.EOF.
func (s *JobSource) Next() (*job.Job, error) {
	for {
		j, err := s.next()
		if err != nil || s.Shard.Keeps(j.Seq) {
			return j, err
		}
	}
}

// next returns the next job, or io.EOF.
func (s *JobSource) next() (*job.Job, error) {
	var recs []input.Record
	var stdin []byte
	var part *job.Part
	var err error
	switch {
	case s.blocks != nil:
		stdin, err = s.blocks.Next()
	case s.parts != nil:
		var off, n int64
		if off, n, err = s.parts.Next(); err == nil {
			part = &job.Part{Path: s.partFile, Header: s.partHeader, Off: off, N: n}
		}
	case s.Pack != nil:
		recs, err = s.nextPacked()
	case s.MaxArgs > 1:
		recs, err = s.nextN()
	default:
		var r input.Record
		if r, err = s.src.Next(); err != nil {
			return nil, err
		}
		// A job of one record, the most common, is one allocation.
		one := &oneRecordJob{rec: [1]input.Record{r}}
		one.j.Records = one.rec[:]
		return s.finish(&one.j)
	}
	if err != nil {
		return nil, err
	}
	return s.finish(&job.Job{Records: recs, Stdin: stdin, StdinPart: part})
}

// oneRecordJob is a job with its record beside it.
type oneRecordJob struct {
	j   job.Job
	rec [1]input.Record
}

// finish numbers j, the next job, and checks its records and key.
func (s *JobSource) finish(j *job.Job) (*job.Job, error) {
	recs := j.Records
	s.seq++
	j.Seq = s.seq
	for i := range recs {
		r := &recs[i]
		if r.Err != nil {
			j.Err = r.Err
			break
		}
		s.applyDefaults(r)
		fatal, field := s.varShadows(r)
		if fatal != nil {
			return nil, fatal
		}
		if field != nil && j.Err == nil {
			j.Err = field
		}
	}
	j.Key = strconv.FormatInt(j.Seq, 10)
	if s.Key != nil && j.Err == nil {
		key, err := s.Key.String(j.Data(0, s.Multi()))
		if err != nil {
			j.Err = fmt.Errorf("--key: %w", err)
		} else {
			j.Key = key
		}
	}
	if s.UniqueKeys && s.Key != nil && j.Err == nil {
		if first, dup := s.keys[j.Key]; dup {
			j.Err = fmt.Errorf("--key: %w: %q is already the key of job %d", job.ErrDuplicateKey, j.Key, first)
		} else {
			if s.keys == nil {
				s.keys = make(map[string]int64)
			}
			s.keys[j.Key] = j.Seq
		}
	}
	return j, nil
}

func (s *JobSource) nextN() ([]input.Record, error) {
	recs := make([]input.Record, 0, s.MaxArgs)
	for len(recs) < s.MaxArgs {
		r, err := s.src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		return nil, io.EOF
	}
	return recs, nil
}

// nextPacked fills a -X job up to the argument space. The first time, it
// reads ahead as far as one full job: when the whole input fits, it is spread
// evenly over the workers.
func (s *JobSource) nextPacked() ([]input.Record, error) {
	budget := argSpace - envSize() - 4096 - s.Pack.FixedCost()
	if !s.started {
		s.started = true
		if err := s.fill(budget); err != nil {
			return nil, err
		}
		if s.eof && s.Workers > 1 && len(s.held) > 1 {
			w := min(s.Workers, len(s.held))
			s.split = (len(s.held) + w - 1) / w
		}
	}
	if s.split > 0 {
		n := min(s.split, len(s.held))
		if n == 0 {
			return nil, io.EOF
		}
		recs := s.held[:n:n]
		s.held = s.held[n:]
		return recs, nil
	}
	if err := s.fill(budget); err != nil {
		return nil, err
	}
	if len(s.held) == 0 {
		return nil, io.EOF
	}
	used, n := 0, 0
	for n < len(s.held) {
		c := s.Pack.RecordCost(&s.held[n])
		if n > 0 && used+c > budget {
			break
		}
		used += c
		n++
	}
	recs := s.held[:n:n]
	s.held = append([]input.Record(nil), s.held[n:]...)
	return recs, nil
}

// fill reads records until the held ones exceed budget or input ends.
func (s *JobSource) fill(budget int) error {
	used := 0
	for i := range s.held {
		used += s.Pack.RecordCost(&s.held[i])
	}
	for !s.eof && used <= budget {
		r, err := s.src.Next()
		if errors.Is(err, io.EOF) {
			s.eof = true
			break
		}
		if err != nil {
			return err
		}
		used += s.Pack.RecordCost(&r)
		s.held = append(s.held, r)
	}
	return nil
}

func envSize() int {
	n := 0
	for _, kv := range os.Environ() {
		n += len(kv) + 1 + 8
	}
	return n + 64 // PMAP_SEQ, PMAP_SLOT, PMAP_KEY
}
