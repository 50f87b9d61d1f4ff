#!/usr/bin/env bash
# Idle cost: starts the all-in-one AmoHub as a new user runs it (SQLite, the built-in sandbox with its one account,
# probes every 30 s), its own throwaway data folder and ports; prints the time to ready, then the CPU used and the
# resident memory at the start and end of a window after a 30 s warm-up. Extra settings are passed as
# environment variables. Usage: [AmoHub__…=…] bench/idle.sh [window seconds, default 300]
set -euo pipefail
window=${1:-300}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
dotnet build "$repo/src/Silo" -c Release -nologo -v q -o "$work/bin" > "$work/build.log"
cd "$work"
started=$(date +%s.%N)
Urls=http://127.0.0.1:5290 AmoHub__Sandbox__Url=http://127.0.0.1:5291/ AmoHub__Cluster__SiloPort=11291 \
  AmoHub__Cluster__GatewayPort=30291 Logging__LogLevel__Default=Warning dotnet "$work/bin/AmoHub.Silo.dll" > silo.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf http://127.0.0.1:5290/health/ready > /dev/null; do sleep 0.05; done
ready=$(date +%s.%N)
sleep 30
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
cpu0=$(ticks); rss0=$(rss)
sleep "$window"
cpu1=$(ticks); rss1=$(rss)
hz=$(getconf CLK_TCK)
awk -v s="$started" -v r="$ready" -v c0="$cpu0" -v c1="$cpu1" -v hz="$hz" -v w="$window" -v m0="$rss0" -v m1="$rss1" 'BEGIN {
  printf "ready %.2f s; CPU %.2f s in %d s (%.2f %% of a core); RSS %d MiB after warm-up, %d MiB at the end\n",
    r - s, (c1 - c0) / hz, w, 100 * (c1 - c0) / hz / w, m0, m1 }'
