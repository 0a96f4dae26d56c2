#!/usr/bin/env bash
# Data-parallel scaling on one machine (docs/distributed.md): for each standard configuration, interleaved,
#   1p2t: one process, 2 GEMM threads (the default on 2 cores)
#   np2:  mpirun -np 2, one thread per rank (DOTNET_PROCESSOR_COUNT=1), the same global batch
#   1p1t: one process, 1 thread (DOTNET_PROCESSOR_COUNT=1)
# One JSON line per run: steady-state tokens/s (training tokens over training time of the metrics lines after the
# first), rank 0's allreduce line, and the 1-minute load average before the run.
# Usage: bench/scaling.sh REPS STEPS CONFIG...   (CONFIG: L128 L512 G256 R128)  > results.jsonl
set -u
reps=${1:-2}; steps=${2:-60}; shift 2
configs=("$@")
root=$(cd "$(dirname "$0")/.." && pwd)
rnn=$root/src/Recurrent.Cli/bin/Release/net10.0/rnn
data=${DATA:-/work/shared/data/tinyshakespeare.txt}
out=${OUT_DIR:-/tmp/scale}
mkdir -p "$out"
flags_of() {
  case $1 in
    L128) echo "--model lstm --embedding 128 --hidden 128 --layers 2 --batch 50 --seq-length 50" ;;
    L512) echo "--model lstm --embedding 512 --hidden 512 --layers 2 --batch 32 --seq-length 64" ;;
    G256) echo "--model gru --embedding 256 --hidden 256 --layers 2 --batch 32 --seq-length 64" ;;
    R128) echo "--model rnn --embedding 128 --hidden 128 --layers 1 --batch 50 --seq-length 25" ;;
  esac
}
modes=(1p2t np2 1p1t)
for ((r = 0; r < reps; r++)); do
  for c in "${configs[@]}"; do
    for ((m = 0; m < 3; m++)); do
      mode=${modes[$(((m + r) % 3))]}
      dir=$out/$c-$mode-$r; rm -rf "$dir"
      common="--data $data $(flags_of $c) --lr 2e-3 --dropout 0 --steps $steps --log-every 10 --stats-every 0 --eval-every 0 --val-fraction 0.01 --sample-every 0 --sample-length 1 --quiet --run-dir $dir"
      load=$(cut -d' ' -f1 /proc/loadavg)
      case $mode in
        1p2t) log=$("$rnn" train $common 2>&1) ;;
        1p1t) log=$(DOTNET_PROCESSOR_COUNT=1 "$rnn" train $common 2>&1) ;;
        np2) log=$(mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 -x DOTNET_PROCESSOR_COUNT=1 "$rnn" train $common 2>&1) ;;
      esac
      python3 - "$dir/metrics.jsonl" "$c" "$mode" "$r" "$load" "$log" <<'PY'
import json, sys, re
path, c, mode, r, load, log = sys.argv[1:]
rows = [json.loads(l) for l in open(path)] if __import__('os').path.exists(path) else []
tps = [x["tokens_per_s"] for x in rows[1:]]
steady = len(tps) / sum(1 / t for t in tps) if tps else None   # equal tokens per line: harmonic mean
m = re.search(r"allreduce \(rank 0\): (\d+) gradient sums of ([\d,]+) floats .*?median ([\d.]+) ms, min ([\d.]+), max ([\d.]+), mean ([\d.]+) ms", log)
rec = {"config": c, "mode": mode, "rep": int(r), "load1": float(load), "tokens_per_s": round(steady, 1) if steady else None,
       "lines": [x["tokens_per_s"] for x in rows]}
if m: rec.update(params=int(m.group(2).replace(",", "")), allreduce_median_ms=float(m.group(3)), allreduce_min_ms=float(m.group(4)), allreduce_max_ms=float(m.group(5)), allreduce_mean_ms=float(m.group(6)))
if not rows: rec["log"] = log[-800:]
print(json.dumps(rec), flush=True)
PY
    done
  done
done
