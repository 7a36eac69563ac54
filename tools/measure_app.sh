#!/bin/sh
# Whole-process measurements of the release app under Xvfb (issue #8):
#   1. open_sample: start to first frame of the sample project (hyperfine, the app's
#      hidden --quit-after-first-frame flag closes it once the article is drawn);
#   2. open_1mb and open_corpus_10k in the same hyperfine run as open_sample (1 MB
#      article: tools/make_big.py; 10,000 documents: tools/make_corpus.py), then the
#      three interleaved (tools/open_interleaved.py: medians and ratios);
#   3. resident memory with the sample, the 1 MB article and the corpus open and idle,
#      and idle CPU: CPU time the open, untouched app uses over 10 s (should be zero);
#   4. memory kept across projects: `hashiya debug memory` opens the 1 MB article, the
#      corpus and the sample in turn, twice, printing the resident size after each.
# Needs: Xvfb, hyperfine, python3; run from the repository root after
# `cargo build --release`.
set -eu
BIN=${BIN:-target/release/hashiya}
OUT=${OUT:-/tmp/hashiya-measure}
mkdir -p "$OUT/config/hashiya"
# A config with a name, so the first-start question (a text field) is not open.
printf '{"annotator": "annotator-a"}\n' > "$OUT/config/hashiya/config.json"
export XDG_CONFIG_HOME="$OUT/config"
Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=:97

python3 tools/make_big.py "$OUT/big.json" >/dev/null
"$BIN" fmt "$OUT/big.json" >/dev/null
python3 tools/make_corpus.py "$OUT/corpus.json" >/dev/null
"$BIN" fmt "$OUT/corpus.json" >/dev/null
echo "== open_sample, open_1mb (21,525 spans), open_corpus_10k ($(du -m "$OUT/corpus.json" | cut -f1) MB, 270,000 spans): start to first frame"
hyperfine -N --warmup 2 --runs ${RUNS:-10} --export-json "$OUT/open.json" \
  "$BIN projects/derna-sirte.json --quit-after-first-frame" \
  "$BIN $OUT/big.json --quit-after-first-frame" \
  "$BIN $OUT/corpus.json --quit-after-first-frame"

echo "== the same, interleaved (one run of each in turn, ${ROUNDS:-25} rounds, medians)"
python3 tools/open_interleaved.py "$BIN" ${ROUNDS:-25} projects/derna-sirte.json "$OUT/big.json" "$OUT/corpus.json"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for what in sample big corpus; do
  case $what in
    sample) f=projects/derna-sirte.json ;;
    big) f="$OUT/big.json" ;;
    corpus) f="$OUT/corpus.json" ;;
  esac
  "$BIN" "$f" >/dev/null 2>&1 &
  APP=$!
  sleep ${SETTLE:-8}
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$APP/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$APP/status")
  t0=$(ticks $APP)
  sleep 10
  t1=$(ticks $APP)
  echo "== $what: RSS ${rss} kB (peak ${hwm} kB); CPU while idle for 10 s: $((t1 - t0)) ticks of $(getconf CLK_TCK)/s"
  kill $APP
  wait $APP 2>/dev/null || true
done

echo "== memory across projects (resident kB after opening each, in one process)"
"$BIN" debug memory "$OUT/big.json" "$OUT/corpus.json" projects/derna-sirte.json \
  "$OUT/big.json" "$OUT/corpus.json" projects/derna-sirte.json
