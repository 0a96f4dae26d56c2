#!/usr/bin/env bash
# Must-show check for forecasting on real data no one here made: two monthly series that R's `datasets` package
# ships (Debian's r-base-core, installed if missing; the data is written at test time, never committed) —
# AirPassengers (1949-1960, 144 months, trend and a yearly season that grows with the level) and co2 (Mauna Loa,
# 1959-1997, 468 months, trend and yearly season). Each is split into the first 80% (training file) and the last
# 20% (test rows). The checks, for each series:
#   1. one-step-ahead forecasts of every test row (`rnn eval --from K --json`): MAE below both the naive (last
#      value) and the seasonal-naive (value 12 months earlier) forecasts of the same rows;
#   2. a 12-month forecast from the end of the training rows (`rnn predict --from K --steps 12`): MASE < 1.
# Usage: tests/forecast-real-data.sh (needs a built rnn: dotnet build -c Release). Exit code 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v Rscript >/dev/null 2>&1; then
  echo "forecast-real-data: installing r-base-core"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y r-base-core >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y r-base-core >/dev/null; }
fi
rnn="$root/src/Recurrent.Cli/bin/Release/net10.0/rnn.dll"
[ -f "$rnn" ] || dotnet build src/Recurrent.Cli -c Release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# name, R expression of the series, first month, extra training flags
check() {
  local name=$1 expr=$2 start=$3; shift 3
  local csv="$work/$name.csv" train="$work/$name-train.csv" run="$work/$name-run"
  Rscript -e "x <- $expr; d <- data.frame(month=format(seq(as.Date('$start'), by='month', length.out=length(x)), '%Y-%m'), value=as.numeric(x)); write.csv(d, '$csv', row.names=FALSE, quote=FALSE)"
  local rows=$(( $(wc -l < "$csv") - 1 ))
  local k=$(( (rows * 8 + 5) / 10 ))   # first 80%, rounded
  head -n $((k + 1)) "$csv" > "$train"
  echo "== $name: $rows months; training rows 1..$k, test rows $((k + 1))..$rows"
  echo "\$ rnn train --task forecast --data $name-train.csv $*"
  dotnet "$rnn" train --task forecast --data "$train" --run-dir "$run" --quiet "$@" | grep -E "^validation|^warning" || true
  echo "\$ rnn eval $name-run --data $name.csv --from $k --json"
  local eval_json
  eval_json=$(dotnet "$rnn" eval "$run" --data "$csv" --from "$k" --json)
  echo "$eval_json"
  if ! python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['mae'] < d['naive_mae'] and d['mae'] < d['seasonal_naive_mae'] else 1)" "$eval_json"; then
    echo "FAILED: $name one-step MAE is not below both baselines"; failed=1
  fi
  echo "\$ rnn predict $name-run --input $name.csv --from $k --steps 12 --output $name-12.csv"
  local predict
  predict=$(dotnet "$rnn" predict "$run" --input "$csv" --from "$k" --steps 12 --output "$work/$name-12.csv")
  echo "$predict"
  local mase
  mase=$(echo "$predict" | sed -n 's/.*(MASE \([0-9.eE+-]*\)).*/\1/p' | head -1)
  if [ -z "$mase" ] || ! python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1 else 1)" "$mase"; then
    echo "FAILED: $name 12-month MASE '$mase' is not below 1"; failed=1
  fi
}

check AirPassengers AirPassengers 1949-01-01 --window 24
check co2 co2 1959-01-01 --window 24

if [ "$failed" -ne 0 ]; then echo "forecast-real-data: FAILED"; exit 1; fi
echo "forecast-real-data: all checks passed"
