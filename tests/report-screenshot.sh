#!/usr/bin/env bash
# Must-show check for `rnn report`: train a tiny run, write its HTML report, open it in headless Chromium
# (Debian's `chromium`, installed if missing), and check that the page drew its charts with no console errors:
#   1. the page's own script sets <html data-report="ok" data-charts="5"> only when every chart with data has a
#      drawn series and no error, unhandled rejection or console.error happened (read back with --dump-dom);
#   2. Chromium's own console log (--enable-logging=stderr) has no CONSOLE lines for the page;
#   3. a negative control — the same report with a throwing script added — must fail both checks, so the
#      checks can fail.
# Then it takes a screenshot (PNG). Usage: tests/report-screenshot.sh [SCREENSHOT.png] (default: a temp file).
# Needs a built rnn (dotnet build -c Release). Exit code 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/browser/setup.sh report-screenshot chromium:chromium

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=${1:-$work/report.png}

# A small generated corpus: pseudo-English from a fixed word list (deterministic).
words=(the quick brown fox jumps over a lazy dog and then runs far away to sleep)
seed=7
for ((line = 0; line < 400; line++)); do
  text=""
  for ((w = 0; w < 9; w++)); do seed=$(( (seed * 1103515245 + 12345) % 2147483648 )); text+="${words[seed % ${#words[@]}]} "; done
  echo "$text"
done > "$work/text.txt"

dotnet "$rnn" train --data "$work/text.txt" --layers 1 --hidden 48 --embedding 16 --batch 8 --seq-length 32 \
  --steps 300 --lr 3e-3 --lr-schedule cosine --warmup 40 --eval-every 25 --log-every 10 --sample-every 100 --sample-length 120 --sample-temperature 0.8 \
  --run-dir "$work/run" --quiet >/dev/null
dotnet "$rnn" report "$work/run" --out "$work/report.html"

check() {  # check DOM LOG -> prints problems, returns 1 if any
  local dom=$1 log=$2 bad=0
  grep -q 'data-report="ok"' "$dom" || { echo "  page status: $(grep -o 'data-report="[^"]*"' "$dom" || echo 'no marker (script did not run)')"; bad=1; }
  grep -q 'data-charts="5"' "$dom" || { echo "  charts drawn: $(grep -o 'data-charts="[^"]*"' "$dom" || echo none), expected 5 (loss, learning rate, gradient norm, speed, update ratios)"; bad=1; }
  if grep -q 'CONSOLE' "$log"; then echo "  console:"; grep 'CONSOLE' "$log" | sed 's/^/    /'; bad=1; fi
  return $bad
}

browse "$work/report.html" "$work/dom.html" "$work/console.log" --dump-dom
if ! check "$work/dom.html" "$work/console.log"; then echo "report-screenshot: FAILED — the report has errors"; exit 1; fi

# Negative control: a page with a console error and an uncaught exception must be caught by both checks.
sed 's|</body>|<script>console.error("control"); undefinedFunction();</script></body>|' "$work/report.html" > "$work/broken.html"
browse "$work/broken.html" "$work/broken-dom.html" "$work/broken-console.log" --dump-dom
if check "$work/broken-dom.html" "$work/broken-console.log" >/dev/null; then
  echo "report-screenshot: FAILED — the negative control was not detected, so the check cannot be trusted"; exit 1
fi
grep -q 'CONSOLE' "$work/broken-console.log" && grep -q 'data-report="error' "$work/broken-dom.html" \
  || { echo "report-screenshot: FAILED — the negative control was caught by only one check"; exit 1; }

browse "$work/report.html" /dev/null "$work/shot.log" --window-size=1400,2000 --screenshot="$shot"
[ -s "$shot" ] && [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || { echo "report-screenshot: FAILED — no PNG screenshot"; cat "$work/shot.log" | tail -5; exit 1; }

echo "report-screenshot: ok — 5 charts drawn, no console errors (negative control caught), screenshot $(stat -c %s "$shot") bytes at $shot, $(( $(date +%s) - start ))s"
