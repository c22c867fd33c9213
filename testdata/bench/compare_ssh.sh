#!/usr/bin/env bash
# compare_ssh.sh: jobs/s of pmap --ssh over one loopback host, with its
# multiplexed master connection against plain ssh (a new connection, so a
# new handshake, per job), and GNU parallel -S for reference. Prints a table.
#
#   testdata/bench/compare_ssh.sh             # 100 jobs, 4 slots
#   JOBS=500 WORKERS=8 testdata/bench/compare_ssh.sh
#   GNU=0 testdata/bench/compare_ssh.sh       # without the GNU parallel rows
#
# It starts its own sshd on 127.0.0.2 (generated host and user keys, a
# random free port) as the tests do, and stops it at the end. It needs root
# (sshd's privilege separation) and installs openssh-server from Debian when
# missing, without starting the system's sshd service.
set -euo pipefail
cd "$(dirname "$0")/../.."

JOBS=${JOBS:-100}
WORKERS=${WORKERS:-4}
GNU=${GNU:-1}
ADDR=127.0.0.2

sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
if [ ! -x /usr/sbin/sshd ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq openssh-server openssh-client; } >/dev/null || true
  $sudo rm -f /usr/sbin/policy-rc.d
fi
if [ "$GNU" = 1 ] && ! command -v parallel >/dev/null 2>&1; then
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq parallel; } >/dev/null || GNU=0
fi
$sudo mkdir -p /run/sshd

tmp=$(mktemp -d /tmp/pmap-bench-ssh.XXXXXX)
sshd_pid=""
# killtree PID: PID and every process under it (the daemon, its
# connections and their sessions).
killtree() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null); do killtree "$c"; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  [ -z "$sshd_pid" ] || killtree "$sshd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/pmap" .
PMAP="$tmp/pmap"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/user"
# A port nothing listens on.
for _ in $(seq 50); do
  port=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/$ADDR/$port") 2>/dev/null || break
done
cat >"$tmp/sshd_config" <<EOF
ListenAddress $ADDR:$port
HostKey $tmp/host
AuthorizedKeysFile $tmp/user.pub
PidFile $tmp/sshd.pid
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
UseDNS no
PrintMotd no
MaxSessions 64
MaxStartups 64
LogLevel ERROR
# bash reads ~/.bashrc for a command sshd runs at SHLVL 0: keep the
# machine's shell set-up out of the timing.
SetEnv SHLVL=1
EOF
/usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
sshd_pid=$!
disown "$sshd_pid" # no "Killed" note when cleanup stops it
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/$ADDR/$port") 2>/dev/null && break
  sleep 0.05
done

SSH="ssh -F none -i $tmp/user -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -p $port"
PLAIN="$SSH -o ControlMaster=no -o ControlPath=none"
seq "$JOBS" >"$tmp/jobs.txt"

rows=()
plain_rate=""
# measure LABEL COMMAND: runs COMMAND on the JOBS inputs, prints a row.
measure() {
  local label=$1 cmd=$2 start end secs rate ratio
  start=$(date +%s.%N)
  if ! bash -c "$cmd" <"$tmp/jobs.txt" >"$tmp/out" 2>"$tmp/err"; then
    echo "compare_ssh.sh: $label failed:" >&2
    cat "$tmp/err" >&2
    return 1
  fi
  end=$(date +%s.%N)
  if [ "$(wc -l <"$tmp/out")" != "$JOBS" ]; then
    echo "compare_ssh.sh: $label printed $(wc -l <"$tmp/out") lines, want $JOBS" >&2
    return 1
  fi
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  rate=$(awk -v n="$JOBS" -v s="$secs" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
  case "$label" in "pmap, plain ssh"*) plain_rate=$rate ;; esac
  ratio=$(awk -v r="$rate" -v p="${plain_rate:-0}" 'BEGIN { if (p > 0) printf "%.2fx", r / p; else printf "-" }')
  rows+=("$(printf '| %-34s | %8s | %8s | %10s |' "$label" "$secs" "$rate" "$ratio")")
}

# Each job prints its record so that a lost job shows as a short count.
measure "pmap, plain ssh per job" "'$PMAP' -n$WORKERS --ssh $ADDR --ssh-cmd '$PLAIN' echo"
measure "pmap, multiplexed (default)" "'$PMAP' -n$WORKERS --ssh $ADDR --ssh-cmd '$SSH' echo"
if [ "$GNU" = 1 ]; then
  measure "GNU parallel -S, plain ssh" "parallel --will-cite -j$WORKERS --ssh '$PLAIN' -S $ADDR echo"
  measure "GNU parallel -S -M (ControlMaster)" "parallel --will-cite -j$WORKERS -M --ssh '$SSH' -S $ADDR echo"
fi

echo "pmap $("$PMAP" --version | awk '{print $2}'), $(nproc) CPUs, $(ssh -V 2>&1 | cut -d, -f1), $JOBS jobs, $WORKERS slots on $ADDR, $(date -u +%Y-%m-%d)"
echo
echo "| mode                               |  seconds |   jobs/s | vs plain   |"
echo "|------------------------------------|----------|----------|------------|"
printf '%s\n' "${rows[@]}"
