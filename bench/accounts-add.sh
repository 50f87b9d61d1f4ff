#!/usr/bin/env bash
# Adds N accounts (default 1,000) one after another over the API to an all-in-one AmoHub (SQLite, probes off, its
# own throwaway data folder and ports) and prints the mean time of an add per hundred: whether an add slows down as
# the registry grows. Usage: bench/accounts-add.sh [N]
set -euo pipefail
count=${1:-1000}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
dotnet build "$repo/src/Silo" -c Release -nologo -v q -o "$work/bin" > "$work/build.log"
cd "$work"
AmoHub__Probes__Enabled=false AmoHub__AmoCrm__AllowedHosts__0=127.0.0.1 AmoHub__Limits__RequestsPerWindow=10000000 \
  AmoHub__Sandbox__Url=http://127.0.0.1:5191/ Urls=http://127.0.0.1:5190 AmoHub__Cluster__SiloPort=11191 \
  AmoHub__Cluster__GatewayPort=30091 Logging__LogLevel__Default=Warning dotnet "$work/bin/AmoHub.Silo.dll" > silo.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:5190/health/ready > /dev/null; do sleep 1; done
for i in $(seq 1 "$count"); do
  curl -s -o /dev/null -w '%{time_total}\n' -X POST http://127.0.0.1:5190/api/accounts -H 'content-type: application/json' \
    -d "{\"subdomain\":\"add-$i\",\"baseUrl\":\"http://127.0.0.1:9/add-$i/\",\"accessToken\":\"token-$i\"}"
done > times.txt
awk '{ s[int((NR-1)/100)] += $1; c[int((NR-1)/100)]++ } END { for (b = 0; b in c; b++) printf "adds %5d-%5d: mean %.1f ms\n", b*100+1, b*100+c[b], 1000*s[b]/c[b] }' times.txt
sort -n times.txt | awk '{ a[NR] = $1 } END { printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d adds\n", 1000*a[int(NR*0.5)], 1000*a[int(NR*0.99)], 1000*a[NR], NR }'
