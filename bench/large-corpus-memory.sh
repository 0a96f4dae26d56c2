#!/usr/bin/env bash
# Peak memory of `rnn train` on a 2 GB corpus versus a 20 MB one (not run by CI: it reads 2 GB twice and writes a
# 4 GB token file; several minutes). Generates both corpora under /tmp (deleted afterwards), runs the same short
# training on each (char tokenizer, 20 updates, separate small validation file), reads "Maximum resident set size"
# from /usr/bin/time -v, and fails unless the 2 GB run's peak is within 2x the 20 MB run's. With the tokenizer
# argument jieba the corpora are Chinese (words from a fixed list, UTF-8) and both passes segment them with jieba.
# Usage: bench/large-corpus-memory.sh [big-size-MB (default 2048)] [small-size-MB (default 20)] [tokenizer (default char)]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
big_mb=${1:-2048}
small_mb=${2:-20}
tokenizer=${3:-char}

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for the peak resident set size)"
  (apt-get install -y time >/dev/null 2>&1 || (sudo apt-get update && sudo apt-get install -y time) >/dev/null 2>&1) || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
fi
dotnet build src/Recurrent.Cli -c Release >/dev/null
rnn_dll=$(realpath src/Recurrent.Cli/bin/Release/net10.0/rnn.dll)

work=$(mktemp -d /tmp/rnn-large-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "working in $work ($(df -h --output=avail "$work" | tail -1 | tr -d ' ') free)"

# 1 MB of pseudo-text (words from a fixed list, a little punctuation, some non-ASCII), then repeated to size.
if [ "$tokenizer" = jieba ]; then
awk 'BEGIN {
  split("我们 今天 学校 图书馆 老师 学生 喜欢 阅读 小说 天气 非常 晴朗 公园 散步 朋友 一起 工程师 研究 问题 城市 热闹 觉得 高兴 的 在 了 和 很", w, " ");
  n = length(w); srand(7); s = 0;
  while (s < 1048576) { x = w[int(rand() * n) + 1]; line = line x; if (rand() < 0.1) { line = line "，" } if (rand() < 0.05) { print line "。"; s += length(line) + 4; line = "" } }
}' > "$work/base.txt"
else
awk 'BEGIN {
  split("the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they you were her she there one all we their can has been more if will when who so no out up them some só été 大 中 über", w, " ");
  n = length(w); srand(7); s = 0;
  while (s < 1048576) { x = w[int(rand() * n) + 1]; line = line x " "; if (rand() < 0.07) { print line "."; s += length(line) + 2; line = "" } }
}' > "$work/base.txt"
fi
make_corpus() { # name size-MB
  local reps=$(( $2 * 1048576 / $(stat -c %s "$work/base.txt") + 1 ))
  for ((i = 0; i < reps; i++)); do cat "$work/base.txt"; done > "$work/$1"
  [ "$tokenizer" = jieba ] || truncate -s $(( $2 * 1048576 )) "$work/$1" # (cutting UTF-8 Chinese could split a character)
}
make_corpus small.txt "$small_mb"
make_corpus big.txt "$big_mb"
if [ "$tokenizer" = jieba ]; then head -n 1000 "$work/base.txt"; else head -c 200000 "$work/base.txt"; fi > "$work/val.txt"
ls -l "$work"/*.txt | awk '{print "  " $5 " bytes  " $NF}'

run() { # corpus → prints peak RSS in KB
  local log="$work/$1.time" start=$(date +%s)
  TMPDIR="$work" /usr/bin/time -v dotnet "$rnn_dll" train --data "$work/$1" --val "$work/val.txt" --run-dir "$work/run-$1" --tokenizer "$tokenizer" \
    --layers 1 --hidden 128 --embedding 32 --batch 32 --seq-length 64 --steps 20 --eval-every 0 --sample-every 0 --log-every 10 \
    >"$work/$1.out" 2>"$log" || { cat "$log" "$work/$1.out" >&2; exit 1; }
  local rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  echo "  $1: peak RSS $rss KB ($(( rss / 1024 )) MB), $(( $(date +%s) - start )) s; $(grep -o 'corpus:.*tokens' "$work/$1.out" | head -1 || true)" >"$work/$1.summary"
  echo "$rss"
}
echo "training 20 updates on each ($tokenizer tokenizer, LSTM 1x128, batch 32 x 64):"
small_rss=$(run small.txt)
big_rss=$(run big.txt)
cat "$work/small.txt.summary" "$work/big.txt.summary"
ratio=$(awk -v b="$big_rss" -v s="$small_rss" 'BEGIN { printf "%.2f", b / s }')
echo "peak RSS: ${big_mb} MB corpus $((big_rss / 1024)) MB, ${small_mb} MB corpus $((small_rss / 1024)) MB, ratio $ratio (limit 2.00)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 2.0) }' && echo "PASS" || { echo "FAIL: memory grows with the corpus"; exit 1; }
