#!/usr/bin/env bash
# Kill test for `rnn train` (run by .ci/run; about 30-60 s):
#  1. an uninterrupted run of a small model with a fixed seed, writing a checkpoint every few updates;
#  2. the same run killed with SIGKILL (kill -9) at >= 5 random moments, each time continued with --resume;
#     its final weights and optimizer moments (the tensor bytes of last.safetensors) must be bit-identical to 1;
#  3. Ctrl+C (SIGINT) and SIGTERM: the run stops cleanly after writing a checkpoint (exit 130), and resumes
#     to the same final weights as well;
#  4. where a tmpfs can be mounted (root): a real full disk — the run directory on a 160 KB tmpfs, so the
#     second checkpoint cannot be written: the run stops naming the file, the first checkpoint stays loadable,
#     and after the disk is enlarged the run resumes and finishes with the same final weights.
#     (Without mount rights this part is reported as not run; FaultToleranceTests covers it in-process.)
#  5. every other kind of model (--task classify, tag, and a language model with every AWD-LSTM dropout and an EMA of
#     its weights: task_case): a run with a time and a step budget killed with
#     kill -9 and resumed, and one stopped with SIGTERM and resumed, end with the uninterrupted run's tensor bytes;
#     forecasting (forecast_kill_resume): a `--task forecast` run killed with SIGKILL twice after its first periodic
#     checkpoint and resumed each time ends with the tensor bytes of an uninterrupted run, and its metrics.jsonl
#     has no step twice.
#     seq2seq (seq2seq_kill_resume): killed with kill -9 after its first periodic checkpoint and resumed, the same.
# Prints one line per check and ends with "kill-resume: N passed, M failed"; exits non-zero on any failure.
# Usage: tests/kill-resume.sh [path/to/rnn.dll]   (builds the CLI in Release when no path is given)
# KILL_SEED=n fixes the random kill moments (default: a random seed, printed, so a failure reproduces).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rnn_dll=${1:-}
if [ -z "$rnn_dll" ]; then
  dotnet build src/Recurrent.Cli -c Release >/dev/null || { echo "kill-resume: build failed"; echo "kill-resume: 0 passed, 1 failed"; exit 1; }
  rnn_dll=src/Recurrent.Cli/bin/Release/net10.0/rnn.dll
fi
rnn_dll=$(realpath "$rnn_dll")
seed=${KILL_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$seed
work=$(mktemp -d /tmp/rnn-kill-resume.XXXXXX)
trap 'umount "$work/tmpfs" 2>/dev/null; rm -rf "$work"' EXIT
passed=0; failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }

# A generated corpus (no data files in the repository): pseudo-words from a fixed list, deterministic.
words=(the cat sat on a mat and then ran to big red dog who was not happy)
{
  r=12345
  for ((i = 0; i < 30000; i++)); do
    r=$(( (r * 1103515245 + 12345) % 2147483648 ))
    printf '%s ' "${words[$((r / 65536 % ${#words[@]}))]}"
    (( i % 17 == 16 )) && printf '.\n'
  done
} > "$work/corpus.txt"

steps=2500
base_args=(--data "$work/corpus.txt" --layers 1 --hidden 32 --embedding 16 --dropout 0.2 --batch 8 --seq-length 32
  --lr 0.005 --lr-schedule cosine --schedule-steps "$steps" --warmup 50 --seed 11 --eval-every 400 --checkpoint-every 9
  --log-every 50 --sample-every 300 --sample-length 20 --quiet)
train_args=("${base_args[@]}" --steps "$steps")

# The tensor bytes of a safetensors file: everything after the 8-byte header length and the JSON header.
tensor_hash() {
  local len
  len=$(od -An -t u8 -N8 "$1" | tr -d ' ')
  tail -c +$((9 + len)) "$1" | sha256sum | cut -d' ' -f1
}
# The update count a checkpoint was written at (its "optimizer_steps" metadata entry).
step_of() { head -c 200000 "$1" | grep -ao '"optimizer_steps":"[0-9]*"' | head -1 | grep -o '[0-9]\+'; }

ms() { echo $(( $(date +%s%N) / 1000000 )); }
start=$(date +%s)
# How long the tool takes to start and load the data (a one-update run), then 1. the uninterrupted run.
t0=$(ms)
dotnet "$rnn_dll" train --run-dir "$work/startup" "${base_args[@]}" --steps 1 >/dev/null 2>&1 || fail "a one-update run failed"
startup_ms=$(( $(ms) - t0 ))
t0=$(ms)
if dotnet "$rnn_dll" train --run-dir "$work/full" "${train_args[@]}" >"$work/full.log" 2>&1; then
  pass "uninterrupted run of $steps updates ($(( $(ms) - t0 )) ms; start-up $startup_ms ms)"
else
  fail "uninterrupted run: $(tail -3 "$work/full.log")"
fi
train_ms=$(( $(ms) - t0 - startup_ms ))
(( train_ms < 500 )) && train_ms=500
reference=$(tensor_hash "$work/full/last.safetensors" 2>/dev/null || echo none)

# 2. Killed with SIGKILL at random moments, resumed each time.
set -m   # background jobs in their own process group, with SIGINT not ignored (needed for part 3)
run_dir="$work/killed"
kills=0; attempts=0; finished=0
while [ "$finished" -eq 0 ] && [ "$attempts" -lt 40 ]; do
  attempts=$((attempts + 1))
  if [ -f "$run_dir/last.safetensors" ]; then
    dotnet "$rnn_dll" train --resume "$run_dir" --quiet >>"$work/killed.log" 2>&1 &
  else
    rm -rf "$run_dir"   # killed before the first checkpoint: nothing to resume, start again
    dotnet "$rnn_dll" train --run-dir "$run_dir" "${train_args[@]}" >>"$work/killed.log" 2>&1 &
  fi
  pid=$!
  if [ "$kills" -lt 5 ] || [ $((RANDOM % 2)) -eq 0 ]; then
    # A random moment from half the start-up time (a one-update run, which also writes its plot and sample at the
    # end) to a sixth of the training time after it: early enough that at least five kills land before the run can
    # finish, whatever the machine's speed; a kill during start-up is a moment like any other.
    sleep "$(awk -v ms=$(( startup_ms / 2 + (RANDOM * 32768 + RANDOM) % (train_ms / 6 + 1) )) 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -0 "$pid" 2>/dev/null; then
      before=$(step_of "$run_dir/last.safetensors" 2>/dev/null || echo -)
      if ! kill -9 "$pid" 2>/dev/null; then wait "$pid" && finished=1; continue; fi   # it finished just now
      wait "$pid" 2>/dev/null
      kills=$((kills + 1))
      echo "  kill -9 #$kills (checkpoint on disk before the kill: step ${before:-none}; now: step $(step_of "$run_dir/last.safetensors" 2>/dev/null || echo none))"
      continue
    fi
  fi
  if wait "$pid"; then finished=1; else fail "a resumed run failed: $(tail -3 "$work/killed.log")"; break; fi
done
if [ "$kills" -ge 5 ]; then pass "$kills kill -9 at random moments (kill seed $seed)"; else fail "only $kills kills landed before the run finished (kill seed $seed)"; fi
if [ "$finished" -eq 1 ] && [ "$(tensor_hash "$run_dir/last.safetensors")" = "$reference" ]; then
  pass "after $kills kills and resumes the final weights and optimizer moments are bit-identical (sha256 $reference)"
else
  fail "killed-and-resumed run: final tensors $(tensor_hash "$run_dir/last.safetensors" 2>/dev/null) differ from uninterrupted $reference"
fi
if [ "$finished" -eq 1 ] && cmp -s "$work/full/samples.txt" "$run_dir/samples.txt"; then
  pass "samples.txt is identical too ($(grep -c '^---- step' "$run_dir/samples.txt") samples: the sampling generator resumed exactly, none repeated)"
else
  fail "samples.txt of the killed-and-resumed run differs from the uninterrupted run's"
fi
if ls -A "$run_dir" | grep -q '\.tmp-'; then
  fail "temporary files of interrupted writes were left: $(ls -A "$run_dir" | grep '\.tmp-' | tr '\n' ' ')"
else
  pass "no temporary files left behind (a resume removes those of killed writes)"
fi

# 3. SIGINT (Ctrl+C) and SIGTERM stop cleanly with a checkpoint at the step reached; resuming finishes the same run.
for signal in INT TERM; do
  run_dir="$work/sig$signal"
  dotnet "$rnn_dll" train --run-dir "$run_dir" "${train_args[@]}" >"$work/sig$signal.log" 2>&1 &
  pid=$!
  # Signal as soon as training is under way (its first periodic checkpoint exists), not after a fixed sleep: on a
  # quiet machine the whole run can finish within a second or two.
  for ((i = 0; i < 1500; i++)); do
    at=$(step_of "$run_dir/last.safetensors" 2>/dev/null)
    if [ -n "$at" ] && [ "$at" -ge 9 ]; then break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -s "$signal" "$pid"
  wait "$pid"; code=$?
  stopped=$(grep -o 'stopped at step [0-9]*' "$work/sig$signal.log" | grep -o '[0-9]*$')
  saved=$(step_of "$run_dir/last.safetensors")
  if [ "$code" -eq 130 ] && [ -n "$stopped" ] && [ "$stopped" = "$saved" ] && [ "$stopped" -lt "$steps" ]; then
    pass "SIG$signal: exit 130, stopped at step $stopped with last.safetensors written at step $saved"
  else
    fail "SIG$signal: exit $code, stopped at '${stopped:-?}', checkpoint step '${saved:-?}': $(tail -3 "$work/sig$signal.log")"
  fi
  if dotnet "$rnn_dll" train --resume "$run_dir" --quiet >>"$work/sig$signal.log" 2>&1 \
     && [ "$(tensor_hash "$run_dir/last.safetensors")" = "$reference" ]; then
    pass "SIG$signal: resumed to bit-identical final weights"
  else
    fail "SIG$signal: the resumed run differs or failed: $(tail -3 "$work/sig$signal.log")"
  fi
done
set +m

# 5. Every kind of model: a run with a time budget (and a step budget, so both runs end at the same update) killed
# with kill -9 once training is under way, then resumed with --resume, ends with the same tensor bytes as the same
# run uninterrupted; SIGTERM stops it with exit 130 and a checkpoint at the step reached.
# task_case NAME STEPS ARGS...: ARGS are the `rnn train` flags of the task (data, model, seed).
task_case() {
  local name=$1 n=$2; shift 2
  local args=("$@" --steps "$n" --time 10m --checkpoint-every 3 --quiet)
  local dir="$work/$name"
  if ! dotnet "$rnn_dll" train --run-dir "$dir-full" "${args[@]}" >"$dir-full.log" 2>&1; then
    fail "$name: uninterrupted run failed: $(tail -3 "$dir-full.log")"; return
  fi
  local want; want=$(tensor_hash "$dir-full/last.safetensors")
  set -m
  dotnet "$rnn_dll" train --run-dir "$dir-killed" "${args[@]}" >"$dir-killed.log" 2>&1 &
  local pid=$! i at=""
  for ((i = 0; i < 1500; i++)); do
    at=$(step_of "$dir-killed/last.safetensors" 2>/dev/null)
    if [ -n "$at" ] && [ "$at" -ge 3 ]; then break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    at=$(step_of "$dir-killed/last.safetensors" 2>/dev/null)
    if dotnet "$rnn_dll" train --resume "$dir-killed" --quiet >>"$dir-killed.log" 2>&1 \
       && [ "$(tensor_hash "$dir-killed/last.safetensors")" = "$want" ]; then
      pass "$name: killed with kill -9 at checkpoint step ${at:-?} of $n, resumed to bit-identical final tensors"
    else
      fail "$name: the killed-and-resumed run differs or failed: $(tail -3 "$dir-killed.log")"
    fi
  else
    wait "$pid"
    fail "$name: the run finished before it could be killed (make it longer)"
  fi
  dotnet "$rnn_dll" train --run-dir "$dir-term" "${args[@]}" >"$dir-term.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 1500; i++)); do
    at=$(step_of "$dir-term/last.safetensors" 2>/dev/null)
    if [ -n "$at" ] && [ "$at" -ge 3 ]; then break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -TERM "$pid"; wait "$pid"; local code=$?
  local stopped; stopped=$(grep -o 'stopped at step [0-9]*' "$dir-term.log" | grep -o '[0-9]*$')
  if [ "$code" -eq 130 ] && [ -n "$stopped" ] && [ "$stopped" = "$(step_of "$dir-term/last.safetensors")" ] \
     && dotnet "$rnn_dll" train --resume "$dir-term" --quiet >>"$dir-term.log" 2>&1 \
     && [ "$(tensor_hash "$dir-term/last.safetensors")" = "$want" ]; then
    pass "$name: SIGTERM: exit 130 with a checkpoint at step $stopped; resumed to bit-identical final tensors"
  else
    fail "$name: SIGTERM: exit $code, stopped at '${stopped:-?}': $(tail -3 "$dir-term.log")"
  fi
  set +m
}

# Generated data (deterministic): a text classifier whose label is decided by the first word, and a tagger that
# marks colour words as entities.
{
  r=777
  for ((i = 0; i < 1200; i++)); do
    r=$(( (r * 1103515245 + 12345) % 2147483648 )); a=${words[$((r / 65536 % ${#words[@]}))]}
    r=$(( (r * 1103515245 + 12345) % 2147483648 )); b=${words[$((r / 65536 % ${#words[@]}))]}
    case $a in the|a|and|to) label=function ;; *) label=content ;; esac
    printf '%s\t%s %s %s\n' "$label" "$a" "$b" "$a"
  done
} > "$work/classify.tsv"
{
  r=4242
  for ((i = 0; i < 600; i++)); do
    for ((k = 0; k < 6; k++)); do
      r=$(( (r * 1103515245 + 12345) % 2147483648 )); w=${words[$((r / 65536 % ${#words[@]}))]}
      case $w in red|big) t=B-ADJ ;; *) t=O ;; esac
      printf '%s %s\n' "$w" "$t"
    done
    printf '\n'
  done
} > "$work/tag.conll"
task_case classify 150 --task classify --data "$work/classify.tsv" --tokenizer word --hidden 24 --embedding 8 --batch 8 --seed 3 --eval-every 25
task_case tag 150 --task tag --data "$work/tag.conll" --hidden 24 --embedding 8 --batch 8 --seed 5 --dropout 0.1 --eval-every 25
# A language model with every AWD-LSTM dropout (their masks come from the checkpointed dropout generator) and an EMA
# of the weights (an optimizer buffer): the resumed run must draw the same masks and keep the same average.
task_case lm-awd-ema 150 --data "$work/corpus.txt" --layers 2 --hidden 32 --embedding 16 --batch 8 --seq-length 32 --lr 2e-3 \
  --dropout 0.2 --dropout-input 0.1 --dropout-output 0.1 --dropout-embedding 0.1 --weight-drop 0.2 --average-weights ema:0.99 \
  --seed 4 --eval-every 25 --sample-every 0

# 4. A real full disk.
full_dir="$work/tmpfs"
mkdir -p "$full_dir"
if mount -t tmpfs -o size=160k tmpfs "$full_dir" 2>/dev/null; then
  dotnet "$rnn_dll" train --run-dir "$full_dir/run" "${train_args[@]}" >"$work/full-disk.log" 2>&1; code=$?
  if [ "$code" -eq 2 ] && grep -q "No space left on device" "$work/full-disk.log" && grep -q "last.safetensors" "$work/full-disk.log"; then
    pass "full disk: exit 2, '$(grep -o 'No space left on device' "$work/full-disk.log" | head -1)' with the file named"
  else
    fail "full disk: exit $code: $(tail -3 "$work/full-disk.log")"
  fi
  if ls -A "$full_dir/run" | grep -q '\.tmp-'; then fail "full disk: a half-written temporary file was left"; fi
  saved=$(step_of "$full_dir/run/last.safetensors")
  if dotnet "$rnn_dll" sample "$full_dir/run/last.safetensors" --length 5 >/dev/null 2>&1; then
    pass "full disk: the previous checkpoint (step $saved) is still loadable"
  else
    fail "full disk: the previous checkpoint cannot be loaded"
  fi
  mount -o remount,size=4m "$full_dir"
  if dotnet "$rnn_dll" train --resume "$full_dir/run" --quiet >>"$work/full-disk.log" 2>&1 \
     && [ "$(tensor_hash "$full_dir/run/last.safetensors")" = "$reference" ]; then
    pass "full disk: with space again the run resumed to bit-identical final weights"
  else
    fail "full disk: resuming after the disk was enlarged failed or differs: $(tail -3 "$work/full-disk.log")"
  fi
  umount "$full_dir"
else
  echo "note: part 4 (real full disk) not run: mounting a tmpfs needs root"
fi

# 5. Forecasting: the same guarantee for `rnn train --task forecast` (a few seconds).
forecast_kill_resume() {
  local dir="$work/forecast" steps=800
  mkdir -p "$dir"
  awk 'BEGIN { print "t,value,other"; for (t = 0; t < 3000; t++) printf "%d,%.6f,%.6f\n", t, 10 + 3 * sin(0.25 * t) + sin(0.07 * t), cos(0.03 * t) }' \
    > "$dir/series.csv"
  local args=(train --task forecast --data "$dir/series.csv" --inputs value,other --targets value --window 32 --horizon 2 --hidden 24
    --batch 16 --lr 0.003 --lr-schedule cosine --warmup 20 --seed 7 --eval-every 50 --checkpoint-every 7 --log-every 20 --steps "$steps" --time 10m --quiet)
  if dotnet "$rnn_dll" "${args[@]}" --run-dir "$dir/full" >"$dir/full.log" 2>&1; then
    pass "forecast: uninterrupted run of $steps updates"
  else
    fail "forecast: uninterrupted run: $(tail -3 "$dir/full.log")"; return
  fi
  local reference killed="$dir/killed" kills=0 pid at before round i
  reference=$(tensor_hash "$dir/full/last.safetensors")
  dotnet "$rnn_dll" "${args[@]}" --run-dir "$killed" >"$dir/killed.log" 2>&1 &
  pid=$!
  for round in 1 2; do
    # Kill once this process is training (it has written a periodic checkpoint of its own), a random moment later.
    before=$(step_of "$killed/last.safetensors" 2>/dev/null || echo 0)
    for ((i = 0; i < 1500; i++)); do
      at=$(step_of "$killed/last.safetensors" 2>/dev/null)
      if [ -n "$at" ] && [ "$at" -ge 7 ] && [ "$at" -gt "${before:-0}" ]; then break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.02
    done
    sleep "$(awk -v ms=$((RANDOM % 400)) 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    if wait "$pid" 2>/dev/null; [ $? -eq 137 ]; then
      kills=$((kills + 1))
      echo "  forecast: kill -9 #$kills (checkpoint on disk: step $(step_of "$killed/last.safetensors" 2>/dev/null || echo none))"
    fi
    dotnet "$rnn_dll" train --resume "$killed" --quiet >>"$dir/killed.log" 2>&1 &
    pid=$!
  done
  if ! wait "$pid"; then fail "forecast: a resumed run failed: $(tail -3 "$dir/killed.log")"; return; fi
  if [ "$kills" -ge 1 ]; then pass "forecast: $kills kill -9 mid-run after a checkpoint, each resumed with --resume"; else fail "forecast: the run finished before it could be killed"; fi
  if [ "$(tensor_hash "$killed/last.safetensors")" = "$reference" ]; then
    pass "forecast: after the kills and resumes the final weights and optimizer moments are bit-identical (sha256 $reference)"
  else
    fail "forecast: killed-and-resumed run: final tensors $(tensor_hash "$killed/last.safetensors") differ from uninterrupted $reference"
  fi
  local repeated
  repeated=$(grep -o '"step":[0-9]*' "$killed/metrics.jsonl" | sort | uniq -d | tr '\n' ' ')
  if [ -z "$repeated" ] && [ "$(grep -o '"step":[0-9]*' "$killed/metrics.jsonl" | tail -1)" = "\"step\":$steps" ]; then
    pass "forecast: metrics.jsonl has every logged step once, up to $steps"
  else
    fail "forecast: metrics.jsonl repeats steps ($repeated) or does not end at step $steps"
  fi
}
forecast_kill_resume

# 6. seq2seq: kill -9 after the first periodic checkpoint, --resume, compare with an uninterrupted run.
seq2seq_kill_resume() {
  local dir="$work/seq2seq" r=4242 i k n w rev
  local letters=abcde
  mkdir -p "$dir"
  # Generated pairs (reverse a word of 1..6 letters), deterministic.
  for ((i = 0; i < 600; i++)); do
    r=$(( (r * 1103515245 + 12345) % 2147483648 )); n=$(( r / 65536 % 6 + 1 )); w=""; rev=""
    for ((k = 0; k < n; k++)); do
      r=$(( (r * 1103515245 + 12345) % 2147483648 ))
      w+=${letters:$(( r / 65536 % 5 )):1}
    done
    for ((k = n - 1; k >= 0; k--)); do rev+=${w:$k:1}; done
    printf '%s\t%s\n' "$w" "$rev"
  done > "$dir/pairs.tsv"
  local args=(--task seq2seq --data "$dir/pairs.tsv" --hidden 48 --embedding 8 --batch 16 --lr 0.01 --lr-decay 0.9
    --lr-decay-after 1 --eval-every 20 --checkpoint-every 5 --log-every 10 --seed 3 --steps 600 --time 10m --quiet)
  local t0 code at reference
  t0=$(ms)
  if dotnet "$rnn_dll" train "${args[@]}" --run-dir "$dir/full" >"$dir/full.log" 2>&1; then
    pass "seq2seq: uninterrupted run ($(( $(ms) - t0 )) ms; $(grep -o 'stopped at step [0-9]*' "$dir/full.log"))"
  else
    fail "seq2seq: uninterrupted run: $(tail -3 "$dir/full.log")"; return
  fi
  reference=$(tensor_hash "$dir/full/last.safetensors")
  dotnet "$rnn_dll" train "${args[@]}" --run-dir "$dir/killed" >"$dir/killed.log" 2>&1 &
  local pid=$!
  for ((i = 0; i < 1500; i++)); do
    at=$(step_of "$dir/killed/last.safetensors" 2>/dev/null)
    if [ -n "$at" ] && [ "$at" -ge 5 ]; then break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    pass "seq2seq: kill -9 with the checkpoint of step $(step_of "$dir/killed/last.safetensors") on disk"
  else
    wait "$pid"; fail "seq2seq: the run ended before it could be killed"; return
  fi
  dotnet "$rnn_dll" train --resume "$dir/killed" --quiet >>"$dir/killed.log" 2>&1; code=$?
  if [ "$code" -eq 0 ] && [ "$(tensor_hash "$dir/killed/last.safetensors")" = "$reference" ]; then
    pass "seq2seq: resumed to bit-identical final weights and optimizer moments (sha256 $reference)"
  else
    fail "seq2seq: the resumed run (exit $code) differs from the uninterrupted one: $(tail -3 "$dir/killed.log")"
  fi
  if [ -z "$(grep -o '"step":[0-9]*' "$dir/killed/metrics.jsonl" | sort | uniq -d)" ]; then
    pass "seq2seq: metrics.jsonl holds every step once after the resume"
  else
    fail "seq2seq: metrics.jsonl repeats steps: $(grep -o '"step":[0-9]*' "$dir/killed/metrics.jsonl" | sort | uniq -d | tr '\n' ' ')"
  fi
}
seq2seq_kill_resume

echo "kill-resume: $(($(date +%s) - start)) s"
echo "kill-resume: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
