#!/bin/sh
# Whole-process measurements of the release app under Xvfb (issue #8):
#   1. open_sample: start to first frame of the sample project (hyperfine, the app's
#      hidden --quit-after-first-frame flag closes it once the article is drawn);
#   2. resident memory with a 1 MB article (tools/make_big.py) open and idle;
#   3. idle CPU: CPU time the open, untouched app uses over 10 s (should be zero).
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

echo "== open_sample"
hyperfine --warmup 3 --runs ${RUNS:-20} --export-json "$OUT/open_sample.json" \
  "$BIN projects/derna-sirte.json --quit-after-first-frame"

python3 tools/make_big.py "$OUT/big.json" >/dev/null
"$BIN" fmt "$OUT/big.json" >/dev/null
echo "== open_1mb (start to first frame, 1 MB article, 21,525 spans)"
hyperfine --warmup 1 --runs ${RUNS_BIG:-5} "$BIN $OUT/big.json --quit-after-first-frame"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for what in sample big; do
  case $what in sample) f=projects/derna-sirte.json ;; big) f="$OUT/big.json" ;; esac
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
