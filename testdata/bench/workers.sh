#!/usr/bin/env bash
# workers.sh: times persistent cat workers against `cat | cat` on the same
# records, alternating the commands run by run, and prints each one's median
# and min-max wall time and its ratio to `cat | cat`.
#
#   testdata/bench/workers.sh                          # pmap on PATH, windows 1 16 64 256
#   OLD=/tmp/pmap-old RECORDS=200000 RUNS=7 WINDOWS="16 64" testdata/bench/workers.sh
#
# OLD, when set, is another pmap binary timed in the same rounds (without
# --worker-window, which it may not have). Every pmap output is checked
# byte for byte against the input.
set -euo pipefail

RECORDS=${RECORDS:-200000}
RUNS=${RUNS:-5}
WORKERS=${WORKERS:-2}
WINDOWS=${WINDOWS:-1 16 64 256}
PMAP=${PMAP:-pmap}
OLD=${OLD:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seq "$RECORDS" > "$tmp/in"

names=("cat | cat")
cmds=("cat | cat")
if [ -n "$OLD" ]; then
  names+=("old -n $WORKERS --worker cat")
  cmds+=("$OLD -n $WORKERS --worker cat")
fi
for w in $WINDOWS; do
  names+=("pmap -n $WORKERS --worker-window $w --worker cat")
  cmds+=("$PMAP -n $WORKERS --worker-window $w --worker cat")
done

# One wall time per command per round, in seconds.
for ((r = 0; r < RUNS; r++)); do
  for i in "${!cmds[@]}"; do
    s=$(date +%s.%N)
    sh -c "${cmds[$i]}" < "$tmp/in" > "$tmp/out"
    e=$(date +%s.%N)
    cmp -s "$tmp/in" "$tmp/out" || { echo "workers.sh: ${names[$i]}: output differs from the input" >&2; exit 1; }
    echo "$e - $s" | bc >> "$tmp/t$i"
  done
done

median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(median "$tmp/t0")
printf '%s records, %s rounds, load %s\n' "$RECORDS" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
printf '%-48s %10s %22s %10s\n' command median min-max ratio
for i in "${!cmds[@]}"; do
  m=$(median "$tmp/t$i")
  lo=$(sort -g "$tmp/t$i" | head -1)
  hi=$(sort -g "$tmp/t$i" | tail -1)
  printf '%-48s %9.3fs %10.3f-%-10.3f %9.1fx\n' "${names[$i]}" "$m" "$lo" "$hi" "$(echo "$m / $base" | bc -l)"
done
