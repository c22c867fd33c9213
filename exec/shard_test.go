package exec

import "testing"

func TestParseShard(t *testing.T) {
	for in, want := range map[string]Shard{"0/3": {0, 3}, "2/3": {2, 3}, "3/3": {0, 3}, " 1 / 2 ": {1, 2}, "5/1": {0, 1}} {
		got, err := ParseShard(in)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1", "1/", "/3", "a/3", "1/0", "-1/3", "1/-3", "1/2/3", "1.5/3"} {
		if got, err := ParseShard(in); err == nil {
			t.Errorf("ParseShard(%q) = %v, want an error", in, got)
		}
	}
}

// Every job falls in exactly one shard, whatever the numbering of K, and
// Of counts a shard's jobs.
func TestShardCovers(t *testing.T) {
	for n := int64(1); n <= 4; n++ {
		for total := int64(0); total <= 9; total++ {
			for base := int64(0); base <= 1; base++ {
				seen := map[int64]int{}
				for k := base; k < base+n; k++ {
					s, err := ParseShard(itoa(k) + "/" + itoa(n))
					if err != nil {
						t.Fatal(err)
					}
					kept := int64(0)
					for seq := int64(1); seq <= total; seq++ {
						if s.Keeps(seq) {
							seen[seq]++
							kept++
						}
					}
					if s.Of(total) != kept {
						t.Errorf("%d/%d of %d: Of says %d, kept %d", k, n, total, s.Of(total), kept)
					}
				}
				for seq := int64(1); seq <= total; seq++ {
					if seen[seq] != 1 {
						t.Errorf("N=%d base %d: job %d in %d shards", n, base, seq, seen[seq])
					}
				}
			}
		}
	}
}

func itoa(n int64) string { return string(rune('0' + n)) }
