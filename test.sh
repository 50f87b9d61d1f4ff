#!/usr/bin/env bash
# Runs every AmoHub test: the sandbox's own tests, then unit, SQLite, MariaDB, CRM sync and multi-process
# cluster tests, then the dashboard's browser tests. Installs what the tests need from Debian when it is missing
# (mariadb-server, chromium, prometheus for promtool); the tests start their own throwaway MariaDB on a free loopback port and drive
# Chromium headless. Extra arguments go to each `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian for the tests..."
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Kubernetes manifest tests render deploy/k8s with `kubectl kustomize`, which needs kubectl 1.27 or newer
# (Debian's kubernetes-client is 1.20, too old for the overlays). Say so up front rather than deep in a test.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not installed: the Kubernetes manifest tests will fail. Install kubectl 1.27+ (https://kubernetes.io/docs/tasks/tools/)." >&2
fi

dotnet build AmoHub.sln -nologo -v q
# One test assembly at a time: several tests measure amoCRM's rate limit and token lifetimes, which a
# machine saturated by a second test run in parallel would distort.
status=0
for project in tests/AmoHub.Sandbox.Tests tests/AmoHub.Tests tests/AmoHub.Dashboard.Tests; do
  dotnet test "$project" --no-build "$@" || status=$?
done
exit $status
