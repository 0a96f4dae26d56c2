#!/usr/bin/env bash
# The ML.NET forecaster (mlContext.Forecasting.RecurrentForecast, samples/MLNetForecast) on real data no one here
# made: R's AirPassengers (1949-1960, 144 months) and co2 (Mauna Loa, 1959-1997, 468 months), written by Rscript at
# test time (Debian's r-base-core, installed if missing; never committed), as tests/forecast-real-data.sh does for
# the CLI. For each series the sample fits the first 80% and checks that Transform's one-month-ahead MAE on the last
# 20% is below both the naive and the seasonal-naive forecasts' MAE, and that an engine resumed from CheckPoint gives
# the same 12-month forecast. Usage: tests/forecast-real-data-mlnet.sh. Exit code 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v Rscript >/dev/null 2>&1; then
  echo "forecast-real-data-mlnet: installing r-base-core"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y r-base-core >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y r-base-core >/dev/null; }
fi
dotnet build samples/MLNetForecast -c Release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for series in "AirPassengers 1949-01-01" "co2 1959-01-01"; do
  set -- $series
  csv="$work/$1.csv"
  Rscript -e "x <- $1; d <- data.frame(month=format(seq(as.Date('$2'), by='month', length.out=length(x)), '%Y-%m'), value=as.numeric(x)); write.csv(d, '$csv', row.names=FALSE, quote=FALSE)"
  echo "== $1"
  dotnet run --project samples/MLNetForecast -c Release --no-build -- "$csv" || { echo "FAILED: $1"; failed=1; }
done
if [ "$failed" -ne 0 ]; then echo "forecast-real-data-mlnet: FAILED"; exit 1; fi
echo "forecast-real-data-mlnet: all checks passed"
