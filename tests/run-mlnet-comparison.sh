#!/usr/bin/env bash
# Runs the ML.NET side-by-side benchmark (bench/MLNetComparison, docs/mlnet.md) in its --quick mode: small temporal-order
# sets (as generated, and with a random offset) and, when tinyshakespeare.txt is found (shared/data/ beside or above
# the clone, or $RECURRENT_SHARED/data/, default /work/shared — where the development machine and its CI keep it), the speaker
# task; every model (Recurrent's LSTM, FeaturizeText + SdcaMaximumEntropy, LightGbm) must beat the majority-class
# baseline by 5 points of micro-accuracy, or the program exits 1. Prints the table and the time (~1 min).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=()
shared_text="${RECURRENT_SHARED:-/work/shared}/data/tinyshakespeare.txt"
[ -f "$shared_text" ] && data=(--data "$shared_text")
start=$(date +%s)
out=$(mktemp)
if timeout 300 dotnet run -c Release --project bench/MLNetComparison -- --quick "${data[@]}" < /dev/null > "$out" 2>&1; then
  echo "mlnet-comparison --quick: ok ($(( $(date +%s) - start ))s)"; grep -E '^\||^every|^skipped' "$out" | sed 's/^/  /'
  status=0
else
  echo "mlnet-comparison --quick: FAILED ($(( $(date +%s) - start ))s)"; tail -30 "$out" | sed 's/^/  /'
  status=1
fi
rm -f "$out"
exit "$status"
