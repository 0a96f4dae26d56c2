#!/usr/bin/env bash
# Runs every sample program (samples/*/*.csproj) in Release, each with a time limit, and fails when one fails.
# Prints each sample's last lines and its time. Needs the samples built (dotnet build -c Release) or builds them.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
failed=0
for project in samples/*/*.csproj; do
  name=$(basename "$(dirname "$project")")
  start=$(date +%s)
  out=$(mktemp)
  if timeout 120 dotnet run --project "$project" -c Release < /dev/null > "$out" 2>&1; then
    echo "sample $name: ok ($(( $(date +%s) - start ))s)"; tail -3 "$out" | sed 's/^/  /'
  else
    echo "sample $name: FAILED ($(( $(date +%s) - start ))s)"; tail -20 "$out" | sed 's/^/  /'; failed=$((failed + 1))
  fi
  rm -f "$out"
done
[ "$failed" -eq 0 ]
