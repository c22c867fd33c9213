#!/usr/bin/env bash
# compare.sh: times pmap against the machine's limits, xargs -P, GNU parallel
# and rush in one run on this machine and prints a table.
#
#   testdata/bench/compare.sh                 # defaults below, a few minutes
#   REPEATS=5 SPAWN_JOBS=1000 testdata/bench/compare.sh
#   OLD_PMAP=/tmp/pmap-old testdata/bench/compare.sh   # adds an old binary's rows
#   SSH=0 testdata/bench/compare.sh           # without the --ssh table (compare_ssh.sh)
#
# Every group has a limit: the cheapest way this machine does the same work
# (a minimal C posix_spawn loop with WORKERS in flight for a process per job,
# running the same command lines as pmap, each record as the last argument;
# `cat | cat` for streaming records, `cat` of the same bytes for output).
# Within a group the tools run in turn, REPEATS rounds (A, B, C, A, B, C, ...),
# so that a change of load hits all of them; a row shows the median and the
# range of its runs (wall seconds), the largest peak RSS of its runs, and
# its throughput as a ratio to the limit's (limit median / row median: 1 is
# the limit, 0.5 half of it, 0.004 is 250x slower).
#
# Knobs (environment): WORKERS (2), REPEATS (3), SPAWN_JOBS (3,000 processes
# per run), STREAM_RECORDS (200,000), OUT_JOBS (4) x OUT_BYTES (256 MiB),
# IP_RECORDS (200,000), BIG_RECORDS (2,000,000) and DRY_RECORDS (1,000,000)
# run MEM_REPEATS (1) times, OLD_PMAP (a pmap binary to run beside this one,
# named OLD_LABEL in the table).
#
# The C loop is built with cc; without a compiler its row is left out, with
# a note. GNU parallel and GNU time are installed from Debian when missing.
# rush is not in the registries these machines reach: it is measured only
# when a `rush` binary is already on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

WORKERS=${WORKERS:-2}
REPEATS=${REPEATS:-3}
SPAWN_JOBS=${SPAWN_JOBS:-3000}
STREAM_RECORDS=${STREAM_RECORDS:-200000}
OUT_JOBS=${OUT_JOBS:-4}
OUT_BYTES=${OUT_BYTES:-268435456}
IP_RECORDS=${IP_RECORDS:-200000}
BIG=${BIG_RECORDS:-2000000}
DRY=${DRY_RECORDS:-1000000}
MEM_REPEATS=${MEM_REPEATS:-1}
OLD_LABEL=${OLD_LABEL:-old pmap}
SPOOL_MIB=32 # execute.go's outputBudget (half of it spoolMemory)

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
seq "$SPAWN_JOBS" >"$tmp/spawn.txt"
seq "$STREAM_RECORDS" >"$tmp/stream.txt"
seq "$OUT_JOBS" >"$tmp/out.txt"
seq "$IP_RECORDS" >"$tmp/ip.txt"
seq "$BIG" >"$tmp/big.txt"
seq "$DRY" >"$tmp/dry.txt"

notes=()
have_cc=false
if command -v cc >/dev/null 2>&1; then
  # spawnloop N P CMD...: runs CMD N times, P at a time, with posix_spawn,
  # as xargs -P does but with nothing else: the cost of a process per job.
  # With N "-" it runs CMD LINE for each line of its stdin, the record as
  # the last argument, as `xargs -n1` and `pmap CMD` do: the limit row runs
  # the same command lines as the tools it is compared with. (coreutils'
  # `true` with one argument sets up its locale to look for --help, some
  # 130-270 us more CPU a job here; without it the C loop would be
  # timed on less work than pmap's.) CMD is looked up in PATH once, as pmap
  # does, not by posix_spawnp at every start.
  cat >"$tmp/spawnloop.c" <<'EOF'
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
extern char **environ;
int main(int argc, char **argv) {
	if (argc < 4) { fprintf(stderr, "usage: spawnloop N|- P CMD...\n"); return 2; }
	int fromStdin = strcmp(argv[1], "-") == 0, nargs = argc - 3;
	long n = fromStdin ? -1 : atol(argv[1]), p = atol(argv[2]), started = 0, running = 0;
	char **args = calloc(nargs + 2, sizeof *args), *line = NULL, path[4096];
	memcpy(args, argv + 3, nargs * sizeof *args);
	if (strchr(args[0], '/')) snprintf(path, sizeof path, "%s", args[0]);
	else {
		char *dirs = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), *d;
		path[0] = 0;
		for (d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
			snprintf(path, sizeof path, "%s/%s", *d ? d : ".", args[0]);
			if (access(path, X_OK) == 0) break;
			path[0] = 0;
		}
		if (!path[0]) { fprintf(stderr, "spawnloop: %s: not found\n", args[0]); return 127; }
	}
	size_t cap = 0;
	ssize_t len;
	int status, failed = 0, eof = 0;
	while (1) {
		while (running < p && !eof && (fromStdin || started < n)) {
			if (fromStdin) {
				if ((len = getline(&line, &cap, stdin)) < 0) { eof = 1; break; }
				if (len > 0 && line[len - 1] == '\n') line[len - 1] = 0;
				args[nargs] = line;
			}
			pid_t pid;
			if (posix_spawn(&pid, path, NULL, NULL, args, environ) != 0) { perror("posix_spawn"); return 1; }
			started++, running++;
		}
		if (running == 0) break;
		if (wait(&status) < 0) { perror("wait"); return 1; }
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
	}
	return failed;
}
EOF
  if cc -O2 -o "$tmp/spawnloop" "$tmp/spawnloop.c" 2>"$tmp/cc.err"; then
    have_cc=true
  else
    notes+=("C posix_spawn loop: cc failed ($(head -1 "$tmp/cc.err")); not measured")
  fi
else
  notes+=("C posix_spawn loop: no C compiler (cc) on PATH; not measured")
fi
have_rush=false
command -v rush >/dev/null 2>&1 && have_rush=true
$have_rush || notes+=("rush: not on PATH (not in the package registries here); not measured")
old=""
if [ -n "${OLD_PMAP:-}" ]; then
  old=$(realpath "$OLD_PMAP")
fi

# A group is a workload, its count (records or bytes), its unit, and
# entries "kind::tool::command"; kind is limit, pmap or other. run_group
# runs every command once per round, REPEATS rounds, and adds the rows.
rows=()
run_group() {
  local workload=$1 count=$2 unit=$3; shift 3
  local -a kinds tools cmds
  local e i r
  for e in "$@"; do
    kinds+=("${e%%::*}"); e=${e#*::}
    tools+=("${e%%::*}"); cmds+=("${e#*::}")
  done
  for i in "${!cmds[@]}"; do : >"$tmp/times.$i"; done
  for ((r = 1; r <= REPEATS; r++)); do
    for i in "${!cmds[@]}"; do
      # GNU time's %e counts hundredths: the wall time is bash's own clock.
      local t0=$EPOCHREALTIME t1
      if ! /usr/bin/time -f "%M" -o "$tmp/time" bash -c "${cmds[$i]}" >/dev/null 2>"$tmp/stderr"; then
        echo "compare.sh: ${tools[$i]} failed on $workload:" >&2
        cat "$tmp/stderr" >&2
        return 1
      fi
      t1=$EPOCHREALTIME
      echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(cat "$tmp/time")" >>"$tmp/times.$i"
    done
  done
  # median and range of the seconds; the largest peak RSS.
  local limit=""
  for i in "${!cmds[@]}"; do
    local stats med
    stats=$(sort -n "$tmp/times.$i" | awk '{ s[NR] = $1; if ($2 > m) m = $2 }
      END { med = (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2
            printf "%.3f %.3f-%.3f %.1f", med, s[1], s[NR], m / 1024 }')
    med=${stats%% *}
    [ "${kinds[$i]}" = limit ] && [ -z "$limit" ] && limit=$med
    local rate ratio
    rate=$(awk -v n="$count" -v s="$med" -v u="$unit" 'BEGIN {
      if (s <= 0) { print "-"; exit }
      if (u == "MB") printf "%.0f MB/s", n / s / 1e6; else printf "%.0f/s", n / s }')
    ratio="-"
    if [ "${kinds[$i]}" = limit ]; then
      ratio="limit"
    elif [ -n "$limit" ]; then
      ratio=$(awk -v l="$limit" -v s="$med" 'BEGIN { if (s > 0) printf "%.3g", l / s; else print "-" }')
    fi
    set -- $stats
    rows+=("$(printf '| %-26s | %-26s | %7s | %13s | %13s | %8s | %7s |' "$workload" "${tools[$i]}" "$1" "$2" "$rate" "$ratio" "$3")")
  done
}

P=$WORKERS

# A process per job: `true` SPAWN_JOBS times, WORKERS at a time.
entries=()
$have_cc && entries+=("limit::C posix_spawn loop::'$tmp/spawnloop' - $P true <'$tmp/spawn.txt'")
# The same loop running `true` with no argument: less work for the child.
$have_cc && entries+=("other::C loop, true (no argument)::'$tmp/spawnloop' $SPAWN_JOBS $P true")
entries+=("pmap::pmap -n$P true::'$PMAP' -n$P true <'$tmp/spawn.txt'")
[ -n "$old" ] && entries+=("pmap::$OLD_LABEL -n$P true::'$old' -n$P true <'$tmp/spawn.txt'")
entries+=("other::xargs -P$P -n1 true::xargs -P$P -n1 true <'$tmp/spawn.txt'")
entries+=("other::GNU parallel true::parallel --will-cite -j$P true <'$tmp/spawn.txt'")
$have_rush && entries+=("other::rush true::rush -j $P true <'$tmp/spawn.txt'")
run_group "$SPAWN_JOBS x true" "$SPAWN_JOBS" jobs "${entries[@]}"

# Streaming records through persistent workers: one cat per slot.
entries=("limit::cat | cat::cat '$tmp/stream.txt' | cat")
entries+=("pmap::pmap -n$P --worker cat::'$PMAP' -n$P --worker cat <'$tmp/stream.txt'")
[ -n "$old" ] && entries+=("pmap::$OLD_LABEL --worker cat::'$old' -n$P --worker cat <'$tmp/stream.txt'")
run_group "$STREAM_RECORDS records, worker" "$STREAM_RECORDS" records "${entries[@]}"

# Output throughput: OUT_JOBS jobs of OUT_BYTES each; ordered output holds
# what waits behind the job being written (SPOOL_MIB/2 in memory, then a
# file), and pmap's peak RSS stays within SPOOL_MIB.
gen="head -c $OUT_BYTES /dev/zero"
total=$((OUT_JOBS * OUT_BYTES))
entries=("limit::cat of the same bytes::for i in \$(seq $OUT_JOBS); do $gen; done | cat")
job="$gen; : {}" # {} used, so that it is not appended to head's files
entries+=("pmap::pmap -n$P (ordered)::'$PMAP' -n$P '$job' <'$tmp/out.txt'")
entries+=("pmap::pmap -n$P -U::'$PMAP' -n$P -U '$job' <'$tmp/out.txt'")
[ -n "$old" ] && entries+=("pmap::$OLD_LABEL -n$P (ordered)::'$old' -n$P '$job' <'$tmp/out.txt'")
run_group "$OUT_JOBS x $((OUT_BYTES >> 20)) MiB output" "$total" MB "${entries[@]}"
# This pmap's peak RSS there must stay within the spool budget.
for row in "${rows[@]}"; do
  case $row in
    *"MiB output"*"| pmap -n$P "*)
      rss=$(awk -F'|' '{ gsub(/ /, "", $8); print $8 }' <<<"$row")
      tool=$(awk -F'|' '{ sub(/^ +/, "", $3); sub(/ +$/, "", $3); print $3 }' <<<"$row")
      if awk -v r="$rss" -v b="$SPOOL_MIB" 'BEGIN { exit !(r > b) }'; then
        notes+=("OVER BUDGET: $tool peaks at $rss MiB, more than the $SPOOL_MIB MiB spool budget")
      fi ;;
  esac
done

# In-process jobs: echo is the embedded shell's builtin, no process per job.
# The limit is printing the same lines.
entries=("limit::cat of the same lines::cat '$tmp/ip.txt'")
entries+=("pmap::pmap --backend inprocess::'$PMAP' -n$P --backend inprocess 'echo {}' <'$tmp/ip.txt'")
[ -n "$old" ] && entries+=("pmap::$OLD_LABEL inprocess::'$old' -n$P --backend inprocess 'echo {}' <'$tmp/ip.txt'")
entries+=("pmap::pmap auto x={}::'$PMAP' -n$P 'x={}; echo \"\$x\"' <'$tmp/ip.txt'")
run_group "$IP_RECORDS x echo {}" "$IP_RECORDS" jobs "${entries[@]}"

# Memory stays flat with the input size (the row above has IP_RECORDS).
entries=("pmap::pmap --backend inprocess::'$PMAP' -n$P --backend inprocess 'echo {}' <'$tmp/big.txt'")
REPEATS=$MEM_REPEATS run_group "$BIG x echo {} (memory)" "$BIG" jobs "${entries[@]}"
entries=("pmap::pmap --dry-run::'$PMAP' --dry-run -n$P echo {} <'$tmp/dry.txt'")
REPEATS=$MEM_REPEATS run_group "--dry-run $DRY records" "$DRY" jobs "${entries[@]}"

echo "pmap $("$PMAP" --version | awk '{print $2}'), $(nproc) CPUs, $(date -u +%Y-%m-%d), $WORKERS workers, $REPEATS alternating runs each"
echo "spool budget: $SPOOL_MIB MiB ($((SPOOL_MIB / 2)) MiB of output in memory, the rest in a temporary file)"
[ ${#notes[@]} -eq 0 ] || printf '%s\n' "${notes[@]}"
echo
echo "| workload                   | tool                       |  median |     min-max s |          rate | vs limit | RSS MiB |"
echo "|----------------------------|----------------------------|---------|---------------|---------------|----------|---------|"
printf '%s\n' "${rows[@]}"

# Remote jobs: one loopback host, multiplexed master vs a handshake per job
# (SSH=0 leaves it out; it starts its own sshd and needs root).
if [ "${SSH:-1}" = 1 ]; then
  echo
  "$(dirname "$0")/compare_ssh.sh"
fi
