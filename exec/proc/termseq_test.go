package proc

import (
	"syscall"
	"testing"
	"time"
)

func TestParseTermSeq(t *testing.T) {
	seq, err := ParseTermSeq("TERM,200,TERM,100,KILL,25")
	if err != nil || len(seq) != 3 || seq[0].Signal != syscall.SIGTERM || seq[0].Wait != 200*time.Millisecond || seq[2].Signal != syscall.SIGKILL {
		t.Fatalf("GNU form: %v %v", seq, err)
	}
	seq, err = ParseTermSeq("INT,1.5s")
	if err != nil || len(seq) != 2 || seq[0].Signal != syscall.SIGINT || seq[0].Wait != 1500*time.Millisecond || seq[1].Signal != syscall.SIGKILL {
		t.Fatalf("KILL must be appended: %v %v", seq, err)
	}
	seq, err = ParseTermSeq("HUP")
	if err != nil || len(seq) != 2 || seq[0].Wait != 2*time.Second {
		t.Fatalf("a final signal without wait gets a grace: %v %v", seq, err)
	}
	for _, bad := range []string{"", "NOPE", "TERM,abc", "TERM,-1"} {
		if _, err := ParseTermSeq(bad); err == nil {
			t.Errorf("ParseTermSeq(%q) accepted", bad)
		}
	}
}
