#!/usr/bin/env bash
# Must-show check for `rnn inspect`: train a tiny language model (or take MODEL and TEXT given), write its inspection
# page, open it in headless Chromium (Debian's `chromium`, installed if missing), and check that it drew with no errors:
#   1. the page's own script sets <html data-inspect="ok"> only when it drew every token, coloured them by the chosen
#      unit, built the hover predictions, and no error, unhandled rejection or console.error happened (--dump-dom);
#   2. Chromium's own console log (--enable-logging=stderr) has no CONSOLE lines for the page;
#   3. a negative control — the same page with a throwing script added — must fail both checks, so the checks can fail.
# Then it takes a screenshot (PNG, 1400×1000).
# Usage: tests/inspect-screenshot.sh [SCREENSHOT.png [MODEL TEXT]] (default: a temp file and a freshly trained model).
# Needs a built rnn (dotnet build -c Release). Exit code 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/browser/setup.sh inspect-screenshot chromium:chromium

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=${1:-$work/inspect.png}
model=${2:-}
text=${3:-}

if [ -z "$model" ]; then
  # A small generated corpus with quotes, brackets and short lines (deterministic), and a tiny LSTM trained on it.
  words=(the quick brown fox jumps over a lazy dog and then runs far away to sleep)
  seed=7
  for ((line = 0; line < 400; line++)); do
    text_line=""
    for ((w = 0; w < 7; w++)); do
      seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
      word=${words[seed % ${#words[@]}]}
      case $(( seed / 16 % 9 )) in 0) word="\"$word\"";; 1) word="($word)";; esac
      text_line+="$word "
    done
    echo "$text_line"
  done > "$work/text.txt"
  dotnet "$rnn" train --data "$work/text.txt" --layers 2 --hidden 32 --embedding 16 --batch 8 --seq-length 32 \
    --steps 150 --lr 3e-3 --run-dir "$work/run" --quiet >/dev/null
  model="$work/run"
  tail -c 1500 "$work/text.txt" > "$work/held.txt"
  text="$work/held.txt"
fi
dotnet "$rnn" inspect "$model" --text "$text" --out "$work/inspect.html" > "$work/inspect.out"
grep -q '^page: ' "$work/inspect.out" || { echo "inspect-screenshot: FAILED — rnn inspect printed no page"; cat "$work/inspect.out"; exit 1; }

check() {  # check DOM LOG -> prints problems, returns 1 if any
  local dom=$1 log=$2 bad=0
  grep -q 'data-inspect="ok"' "$dom" || { echo "  page status: $(grep -o 'data-inspect="[^"]*"' "$dom" || echo 'no marker (script did not run)')"; bad=1; }
  if grep -q 'CONSOLE' "$log"; then echo "  console:"; grep 'CONSOLE' "$log" | sed 's/^/    /'; bad=1; fi
  return $bad
}

browse "$work/inspect.html" "$work/dom.html" "$work/console.log" --dump-dom
if ! check "$work/dom.html" "$work/console.log"; then echo "inspect-screenshot: FAILED — the page has errors"; exit 1; fi
spans=$(grep -o '<span data-t=' "$work/dom.html" | wc -l)

# Negative control: a page with a console error and an uncaught exception must be caught by both checks.
sed 's|</body>|<script>console.error("control"); undefinedFunction();</script></body>|' "$work/inspect.html" > "$work/broken.html"
browse "$work/broken.html" "$work/broken-dom.html" "$work/broken-console.log" --dump-dom
if check "$work/broken-dom.html" "$work/broken-console.log" >/dev/null; then
  echo "inspect-screenshot: FAILED — the negative control was not detected, so the check cannot be trusted"; exit 1
fi
grep -q 'CONSOLE' "$work/broken-console.log" && grep -q 'data-inspect="error' "$work/broken-dom.html" \
  || { echo "inspect-screenshot: FAILED — the negative control was caught by only one check"; exit 1; }

browse "$work/inspect.html" /dev/null "$work/shot.log" --window-size=1400,1000 --screenshot="$shot"
[ -s "$shot" ] && [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || { echo "inspect-screenshot: FAILED — no PNG screenshot"; tail -5 "$work/shot.log"; exit 1; }

echo "inspect-screenshot: ok — $spans tokens drawn, no console errors (negative control caught), screenshot $(stat -c %s "$shot") bytes at $shot, $(( $(date +%s) - start ))s"
