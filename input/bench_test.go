package input

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
)

// benchLines returns 1M short lines, the shape of `find` or `seq` output;
// made on first use so that tests do not carry 24 MB of heap.
var benchLines = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	for i := range 1000000 {
		fmt.Fprintf(&b, "dir/sub/file%07d.txt\n", i)
	}
	return b.Bytes()
})

// drain reads src to the end and returns the record count.
func drain(b *testing.B, src Source) int {
	n := 0
	for {
		_, err := src.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// benchRecords runs read over data b.N times and reports per-record costs.
func benchRecords(b *testing.B, data []byte, read func(io.Reader) Source) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	records := 0
	b.ResetTimer()
	for range b.N {
		records += drain(b, read(bytes.NewReader(data)))
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records), "ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(records), "allocs/record")
}

func BenchmarkDelimited(b *testing.B) {
	benchRecords(b, benchLines(), func(r io.Reader) Source { return NewDelimited(r, "\n", "bench") })
}

func BenchmarkColsep(b *testing.B) {
	data := bytes.ReplaceAll(benchLines()[:len(benchLines())/10], []byte("/"), []byte(","))
	benchRecords(b, data, func(r io.Reader) Source {
		src, _ := NewColsep(NewDelimited(r, "\n", "bench"), ",")
		return src
	})
}

func BenchmarkCSV(b *testing.B) {
	var buf bytes.Buffer
	for i := range 100000 {
		fmt.Fprintf(&buf, "%d,\"name, %d\",plain text,\"say \"\"hi\"\"\"\n", i, i)
	}
	benchRecords(b, buf.Bytes(), func(r io.Reader) Source { return NewCSV(r, "bench", ',') })
}

func BenchmarkJSON(b *testing.B) {
	var buf bytes.Buffer
	for i := range 100000 {
		fmt.Fprintf(&buf, "{\"id\":%d,\"url\":\"https://example.com/%d\",\"tags\":[\"a\",\"b\"],\"meta\":{\"size\":%d.5}}\n", i, i, i)
	}
	benchRecords(b, buf.Bytes(), func(r io.Reader) Source { return NewJSON(NewDelimited(r, "\n", "bench"), "bench") })
}

func BenchmarkProduct(b *testing.B) {
	benchRecords(b, benchLines()[:len(benchLines())/10], func(r io.Reader) Source {
		src, _ := Open(Config{}, r, []Spec{{File: "-"}, {Values: []string{"x", "y"}}})
		return src
	})
}
