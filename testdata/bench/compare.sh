#!/usr/bin/env bash
# compare.sh: times pmap against xargs -P, GNU parallel and rush in one run on
# this machine and prints a table (jobs/s, ratio to xargs -P, peak RSS).
#
#   testdata/bench/compare.sh            # 5,000 jobs, 2 workers, 1,000,000 dry-run records
#   JOBS=2000 WORKERS=4 testdata/bench/compare.sh
#   SSH=0 testdata/bench/compare.sh     # without the --ssh table (compare_ssh.sh)
#
# In-process rows run more jobs (IP_JOBS, default 200,000) than the rows
# that start a process per job: their rate is still per job. The slow-head
# rows time ordered output behind a 4 s first job with 200 MB after it;
# the last rows show resident memory at 200,000 and 1,000,000 records.
#
# GNU parallel and GNU time are installed from Debian when missing. rush is
# not in the registries these machines reach: it is measured only when a
# `rush` binary is already on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

JOBS=${JOBS:-5000}
WORKERS=${WORKERS:-2}
DRY=${DRY_RECORDS:-1000000}
IP_JOBS=${IP_JOBS:-200000}
BIG=${BIG_RECORDS:-1000000}

need() {
  command -v "$1" >/dev/null 2>&1 && return
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "$2" >/dev/null
}
need parallel parallel
[ -x /usr/bin/time ] || need /usr/bin/time time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pmap" .
PMAP="$tmp/pmap"
seq "$JOBS" >"$tmp/jobs.txt"
seq "$DRY" >"$tmp/dry.txt"
seq "$IP_JOBS" >"$tmp/ip.txt"
seq "$BIG" >"$tmp/big.txt"
seq 201 >"$tmp/slow.txt"

rows=()
xargs_rate=""

# measure WORKLOAD TOOL COUNT COMMAND: runs COMMAND (stdout discarded),
# records wall seconds and peak RSS.
measure() {
  local workload=$1 tool=$2 count=$3 cmd=$4
  /usr/bin/time -f "%e %M" -o "$tmp/time" bash -c "$cmd" >/dev/null 2>"$tmp/stderr" || {
    echo "compare.sh: $tool failed on $workload:" >&2; cat "$tmp/stderr" >&2; return 1; }
  local secs kb rate ratio
  read -r secs kb <"$tmp/time"
  rate=$(awk -v n="$count" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  case "$tool" in "xargs -P$WORKERS"*) xargs_rate=$rate ;; esac
  ratio=$(awk -v r="$rate" -v x="${xargs_rate:-0}" 'BEGIN { if (x > 0) printf "%.2fx", r / x; else printf "-" }')
  rows+=("$(printf '| %-22s | %-16s | %8s | %10s | %9s | %8.1f |' "$workload" "$tool" "$secs" "$rate" "$ratio" "$(awk -v k="$kb" 'BEGIN{print k/1024}')")")
}

have_rush=false
command -v rush >/dev/null 2>&1 && have_rush=true

for workload in true echo; do
  xargs_rate=""
  if [ "$workload" = true ]; then
    label="$JOBS x true"
    measure "$label" "xargs -P$WORKERS" "$JOBS" "xargs -P$WORKERS -n1 true <'$tmp/jobs.txt'"
    measure "$label" "pmap -n$WORKERS" "$JOBS" "'$PMAP' -n$WORKERS true <'$tmp/jobs.txt'"
    measure "$label" "GNU parallel" "$JOBS" "parallel --will-cite -j$WORKERS true <'$tmp/jobs.txt'"
    $have_rush && measure "$label" "rush" "$JOBS" "rush -j $WORKERS true <'$tmp/jobs.txt'"
  else
    label="$JOBS x echo {}"
    measure "$label" "xargs -P$WORKERS" "$JOBS" "xargs -P$WORKERS -I{} echo {} <'$tmp/jobs.txt'"
    measure "$label" "pmap -n$WORKERS" "$JOBS" "'$PMAP' -n$WORKERS echo {} <'$tmp/jobs.txt'"
    measure "$label" "GNU parallel" "$JOBS" "parallel --will-cite -j$WORKERS echo {} <'$tmp/jobs.txt'"
    $have_rush && measure "$label" "rush" "$JOBS" "rush -j $WORKERS 'echo {}' <'$tmp/jobs.txt'"
  fi
done

# In-process: echo is a builtin, no process per job. auto picks the
# in-process shell for a template with shell syntax.
xargs_rate=""
label="echo {} in-process"
measure "$label" "xargs -P$WORKERS -n1" "$JOBS" "xargs -P$WORKERS -n1 echo <'$tmp/jobs.txt'"
measure "$label" "GNU parallel" "$JOBS" "parallel --will-cite -j$WORKERS echo {} <'$tmp/jobs.txt'"
measure "$label" "pmap inprocess" "$IP_JOBS" "'$PMAP' -n$WORKERS --backend inprocess 'echo {}' <'$tmp/ip.txt'"
measure "$label" "pmap auto x={}" "$IP_JOBS" "'$PMAP' -n$WORKERS 'x={}; echo \"\$x\"' <'$tmp/ip.txt'"
# Persistent workers (--worker): one cat per slot for every record.
if "$PMAP" --help 2>/dev/null | grep -q -- '--worker'; then
  measure "$label" "pmap worker cat" "$IP_JOBS" "'$PMAP' -n$WORKERS --worker cat <'$tmp/ip.txt'"
else
  echo "pmap --worker: not in this build; not measured" >&2
fi

# Ordered output behind a slow first job: the other jobs keep running and
# their 200 MB waits in the spool (32 MiB in memory, the rest in a file).
xargs_rate=""
label="4s head + 200 MB"
slow='if [ {} = 1 ]; then sleep 4; else head -c 1048576 /dev/zero; fi'
measure "$label" "pmap (ordered)" 201 "'$PMAP' -n$WORKERS '$slow' <'$tmp/slow.txt'"
measure "$label" "pmap -U" 201 "'$PMAP' -n$WORKERS -U '$slow' <'$tmp/slow.txt'"

# Memory stays flat with the input size.
xargs_rate=""
measure "$IP_JOBS recs inprocess" "pmap inprocess" "$IP_JOBS" "'$PMAP' -n$WORKERS --backend inprocess 'echo {}' <'$tmp/ip.txt'"
measure "$BIG recs inprocess" "pmap inprocess" "$BIG" "'$PMAP' -n$WORKERS --backend inprocess 'echo {}' <'$tmp/big.txt'"

xargs_rate=""
label="--dry-run $DRY recs"
measure "$label" "pmap" "$DRY" "'$PMAP' --dry-run -n$WORKERS echo {} <'$tmp/dry.txt'"
if [ "${DRY_GNU:-0}" = 1 ]; then
  measure "$label" "GNU parallel" "$DRY" "parallel --will-cite --dry-run -j$WORKERS echo {} <'$tmp/dry.txt'"
fi

echo "pmap $("$PMAP" --version | awk '{print $2}'), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
$have_rush || echo "rush: not on PATH (not in the package registries here); not measured"
echo
echo "| workload               | tool             |  seconds |     jobs/s | vs xargs  | RSS MiB  |"
echo "|------------------------|------------------|----------|------------|-----------|----------|"
printf '%s\n' "${rows[@]}"

# Remote jobs: one loopback host, multiplexed master vs a handshake per job
# (SSH=0 leaves it out; it starts its own sshd and needs root).
if [ "${SSH:-1}" = 1 ]; then
  echo
  "$(dirname "$0")/compare_ssh.sh"
fi
