#!/usr/bin/env bash
# Must-show check for the live dashboard (`rnn train --ui`, `rnn ui`), in a real browser: for every kind of model
# (lm, classify, tag, forecast, seq2seq) a small run trains with --ui, and headless Chromium — driven through the
# DevTools protocol by tests/browser/check-page.mjs (Node's own WebSocket, no npm package) — opens the printed
# address while it trains and must see:
#   1. the page's status marker <html data-dashboard="ok"> (its script sets it only when no error, unhandled
#      rejection or console.error happened and every chart with data drew a series) at two reads 4 s apart;
#   2. the step (data-step) advance between the two reads: the page follows the run live;
#   3. every chart of a complete page drawn: loss, learning rate, gradient norm, speed and the task's metrics; the
#      update:parameter ratios, one tensor's weight, gradient and update histograms, and the probe batch's activations
#      (h, c, each gate per layer, encoder and decoder for seq2seq); a forecast's example windows;
#   4. no console error, no uncaught exception and no browser log error (failed request, blocked content).
# Negative controls, so the checks can fail: `rnn ui` on the finished lm run must NOT advance between two reads,
# and a page that logs an error and throws must be reported by the driver.
# Screenshots: DASHBOARD_SHOTS=DIR keeps one PNG per task (docs/dashboard-*.png come from here).
# Needs a built rnn (dotnet build -c Release), Node.js and Debian's chromium (installed when missing).
# Exit code 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/browser/setup.sh dashboard-browser chromium:chromium node:nodejs
# Node 20 has WebSocket behind a flag; from Node 22 it is always there.
node_flags=(); node --experimental-websocket -e '' 2>/dev/null && node_flags=(--experimental-websocket)
check_page() { node "${node_flags[@]}" "$root/tests/browser/check-page.mjs" "$@"; }

work=$(mktemp -d /tmp/rnn-dashboard.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
shots=${DASHBOARD_SHOTS:-}
passed=0; failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }

# ---- generated data (deterministic; nothing committed) ----
words=(the cat sat on a mat and then ran to big red dog who was not happy)
lcg() { r=$(( (r * 1103515245 + 12345) % 2147483648 )); }
r=12345
for ((i = 0; i < 20000; i++)); do lcg; printf '%s ' "${words[$((r / 65536 % ${#words[@]}))]}"; (( i % 17 == 16 )) && printf '.\n'; done > "$work/corpus.txt"
r=777
for ((i = 0; i < 1200; i++)); do
  lcg; a=${words[$((r / 65536 % ${#words[@]}))]}; lcg; b=${words[$((r / 65536 % ${#words[@]}))]}
  case $a in the|a|and|to) label=function ;; *) label=content ;; esac
  printf '%s\t%s %s %s\n' "$label" "$a" "$b" "$a"
done > "$work/classify.tsv"
r=4242
for ((i = 0; i < 600; i++)); do
  for ((k = 0; k < 6; k++)); do lcg; w=${words[$((r / 65536 % ${#words[@]}))]}; case $w in red|big) t=B-ADJ ;; *) t=O ;; esac; printf '%s %s\n' "$w" "$t"; done
  printf '\n'
done > "$work/tag.conll"
awk 'BEGIN { print "t,value"; for (t = 0; t < 3000; t++) printf "%d,%.6f\n", t, 10 + 3 * sin(0.25 * t) + sin(0.07 * t) }' > "$work/series.csv"
r=99
for ((i = 0; i < 800; i++)); do
  lcg; n=$(( r / 65536 % 6 + 1 )); w=""; rev=""
  for ((k = 0; k < n; k++)); do lcg; w+=$(printf "\\$(printf '%03o' $(( 97 + r / 65536 % 5 )))"); done
  for ((k = n - 1; k >= 0; k--)); do rev+=${w:$k:1}; done
  printf '%s\t%s\n' "$w" "$rev"
done > "$work/pairs.tsv"

# task NAME MIN_CHARTS ARGS...: trains with --ui, checks the live page, stops the run (SIGTERM: it checkpoints).
task() {
  local name=$1 min_charts=$2; shift 2
  local dir="$work/$name" log="$work/$name.log" url="" i
  dotnet "$rnn" train "$@" --time 5m --patience 100000 --log-every 5 --run-dir "$dir" --quiet --ui >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for ((i = 0; i < 600; i++)); do   # the address is printed once the run is set up; metrics follow
    url=$(grep -o 'dashboard: http://[^ ]*' "$log" 2>/dev/null | head -1 | cut -d' ' -f2 || true)
    [ -n "$url" ] && [ -s "$dir/metrics.jsonl" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ] || [ ! -s "$dir/metrics.jsonl" ]; then fail "$name: no dashboard address or no metrics ($(tail -3 "$log" | tr '\n' ' '))"; return; fi
  local shot=(); [ -n "$shots" ] && shot=(--screenshot "$shots/dashboard-$name.png")
  local result
  result=$(check_page --url "$url" --reads 2 --gap 4000 "${shot[@]}") || { fail "$name: the browser could not be driven"; kill -TERM "$pid"; wait "$pid" || true; return; }
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local verdict
  verdict=$(RESULT="$result" MIN="$min_charts" node -e '
    const r = JSON.parse(process.env.RESULT), min = Number(process.env.MIN), bad = [];
    const [a, b] = r.reads;
    for (const x of r.reads) if (x["data-dashboard"] !== "ok") bad.push("status " + x["data-dashboard"]);
    if (!(Number(b["data-step"]) > Number(a["data-step"]))) bad.push(`step did not advance (${a["data-step"]} then ${b["data-step"]})`);
    if (!(Number(b["data-charts"]) >= min)) bad.push(`${b["data-charts"]} charts drawn, expected at least ${min}`);
    if (r.console.length) bad.push("console: " + r.console.join(" | "));
    if (r.log.length) bad.push("browser log: " + r.log.join(" | "));
    console.log(bad.length ? "BAD " + bad.join("; ") : `steps ${a["data-step"]} -> ${b["data-step"]}, ${b["data-charts"]} charts, no console errors`);')
  case $verdict in BAD*) fail "$name: ${verdict#BAD }" ;; *) pass "$name: live page $verdict" ;; esac
}

task lm 14 --data "$work/corpus.txt" --layers 1 --hidden 48 --embedding 16 --batch 8 --seq-length 32 --eval-every 50 --sample-every 60 --sample-length 80
task classify 16 --task classify --data "$work/classify.tsv" --tokenizer word --hidden 24 --embedding 8 --batch 8 --eval-every 20 --epochs 1000
task tag 16 --task tag --data "$work/tag.conll" --hidden 24 --embedding 8 --batch 8 --eval-every 20 --epochs 1000
task forecast 21 --task forecast --data "$work/series.csv" --targets value --window 32 --horizon 2 --hidden 24 --batch 16 --eval-every 20 --epochs 1000
task seq2seq 22 --task seq2seq --data "$work/pairs.tsv" --hidden 48 --embedding 8 --batch 16 --eval-every 20 --epochs 1000

# Negative control 1: the finished lm run served by `rnn ui` does not advance, so check 2 can fail.
dotnet "$rnn" ui "$work/lm" >"$work/ui.log" 2>&1 &
ui_pid=$!
pids+=("$ui_pid")
url=""
for ((i = 0; i < 300; i++)); do url=$(grep -o 'http://[^ ]*' "$work/ui.log" 2>/dev/null | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
if [ -z "$url" ]; then
  fail "control: rnn ui printed no address ($(cat "$work/ui.log"))"
else
  result=$(check_page --url "$url" --reads 2 --gap 2000 || echo '{}')
  if RESULT="$result" node -e 'const r = JSON.parse(process.env.RESULT); process.exit(r.reads && r.reads[0]["data-dashboard"] === "ok" && r.reads[0]["data-step"] !== "" && r.reads[0]["data-step"] === r.reads[1]["data-step"] ? 0 : 1)'; then
    pass "control: a finished run's page is drawn (status ok) but its step does not advance, so the live check can fail"
  else
    fail "control: the finished run's page did not read as expected: $result"
  fi
fi
kill -TERM "$ui_pid" 2>/dev/null || true   # (a background job of a script ignores SIGINT)
wait "$ui_pid" 2>/dev/null || true

# Negative control 2: a page that logs an error and throws must be reported by the driver.
result=$(check_page --url 'data:text/html,<html data-dashboard="ok"><script>console.error("control error"); undefinedFunction();</script></html>' --reads 1 || echo '{}')
if RESULT="$result" node -e 'const r = JSON.parse(process.env.RESULT); process.exit(r.console && r.console.some(m => m.includes("control error")) && r.console.some(m => m.startsWith("uncaught")) ? 0 : 1)'; then
  pass "control: a console.error and an uncaught exception are both caught by the driver"
else
  fail "control: the driver missed the error page's problems: $result"
fi

echo "dashboard-browser: $passed passed, $failed failed ($(( $(date +%s) - start ))s)"
[ "$failed" -eq 0 ]
