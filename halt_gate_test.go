package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// haltRecord is what TestHaltStartsNothingAfterTrigger reads of a record.
type haltRecord struct {
	Seq      int64   `json:"seq"`
	Status   string  `json:"status"`
	Attempts int     `json:"attempts"`
	Start    string  `json:"start"`
	Duration float64 `json:"duration"`
}

// --halt: once the job that meets the policy has ended, no job starts, not
// even one whose slot had already taken it from the queue. The records
// give each job's start and the trigger's end on one clock; a job that ran
// must have started before the trigger ended. The race this guards
// against showed in about one run in twenty, so each case runs 200 times.
func TestHaltStartsNothingAfterTrigger(t *testing.T) {
	if testing.Short() {
		t.Skip("800 runs")
	}
	dir := t.TempDir()
	ex := filepath.Join(dir, "ex.sh")
	starts := filepath.Join(dir, "starts")
	if err := os.WriteFile(ex, []byte("#!/bin/sh\necho $PMAP_SEQ >> "+starts+"\nexit $1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fail := []string{":::", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"}
	succeed := []string{":::", "1", "1", "0", "1", "1", "1", "1", "1", "1", "1"}
	cases := []struct {
		name   string
		args   []string
		inputs []string
		want   string // the status that meets the policy
	}{
		{"process soon,fail=1", []string{"--backend", "exec", "--halt", "soon,fail=1", ex}, fail, "failed"},
		{"inprocess soon,fail=1", []string{"--backend", "inprocess", "--halt", "soon,fail=1", "echo {#} >> " + starts + "; exit {}"}, fail, "failed"},
		{"process now,success=1", []string{"--backend", "exec", "--halt", "now,success=1", ex}, succeed, "ok"},
		{"inprocess now,success=1", []string{"--backend", "inprocess", "--halt", "now,success=1", "echo {#} >> " + starts + "; exit {}"}, succeed, "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results := filepath.Join(dir, strings.NewReplacer(" ", "_", ",", "_", "=", "_").Replace(c.name)+".jsonl")
			for i := range 200 {
				args := append([]string{"pmap", "-j2", "--results", results}, c.args...)
				args = append(args, c.inputs...)
				var out, errb strings.Builder
				os.Remove(starts)
				run(args, strings.NewReader(""), &out, &errb)
				msg := lateStarts(t, results, c.want)
				if msg == "" {
					msg = unreported(t, results, starts)
				}
				if msg != "" {
					t.Fatalf("run %d: %s\nstderr:\n%s", i+1, msg, errb.String())
				}
			}
		})
	}
}

// lateStarts reads a --results file and describes every job that started
// after the first job with status want had ended ("" when none did).
func lateStarts(t *testing.T, path, want string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []haltRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r haltRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 10 {
		t.Fatalf("%d records, want 10", len(recs))
	}
	start := func(r haltRecord) time.Time {
		s, err := time.Parse(time.RFC3339Nano, r.Start)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	var trigger *haltRecord
	var end time.Time
	for i, r := range recs {
		if r.Status != want {
			continue
		}
		e := start(r).Add(time.Duration(r.Duration * float64(time.Second)))
		if trigger == nil || e.Before(end) {
			trigger, end = &recs[i], e
		}
	}
	if trigger == nil {
		return "no job met the policy"
	}
	// The records give times to the microsecond: allow for the rounding.
	limit := end.Add(2 * time.Microsecond)
	var late []string
	for _, r := range recs {
		if r.Attempts > 0 && r.Seq != trigger.Seq && start(r).After(limit) {
			late = append(late, fmt.Sprintf("job %d started %v after job %d ended", r.Seq, start(r).Sub(end), trigger.Seq))
		}
	}
	return strings.Join(late, "; ")
}

// unreported compares the jobs that wrote to starts (each writes its
// number as it starts) with the records: a job that ran must be recorded
// as started, and one recorded as having run to its end must have run.
func unreported(t *testing.T, results, starts string) string {
	t.Helper()
	b, err := os.ReadFile(starts)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	ran := make(map[string]bool)
	for _, seq := range strings.Fields(string(b)) {
		ran[seq] = true
	}
	f, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var r haltRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		seq := fmt.Sprint(r.Seq)
		// A job --halt now stopped may have been stopped before it
		// wrote: it started, but need not have run.
		stopped := r.Attempts > 0 && r.Status == "skipped"
		if ran[seq] != (r.Attempts > 0) && !(stopped && !ran[seq]) {
			wrong = append(wrong, fmt.Sprintf("job %d: ran %v, recorded %s with %d attempts", r.Seq, ran[seq], r.Status, r.Attempts))
		}
	}
	return strings.Join(wrong, "; ")
}
