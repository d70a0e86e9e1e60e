#!/usr/bin/env bash
# The gate at scale, against its parse floor, interleaved in one run (README, Performance).
#
#   benches/scripts/gate.sh [ROUNDS]
#
# GATE=PATH times another build of the gate (say target/pgo/deg-contracts, from
# `cargo xtask pgo`) instead of target/release/deg-contracts.
#
# Writes 10,000 synthetic messages as files and as one log (cargo xtask synth), then times,
# ROUNDS times in turn: the floor (read + parse to serde_json::Value, 2 threads), the grammar
# floor (read + parse to IgnoredAny, building nothing, 2 threads) and
# `deg-contracts validate --format json` on each form. Prints each run's median wall time,
# messages/s, MB/s and its ratio to the floor of the same form, so a slower host moves both,
# then the gate's ratio to the grammar floor (the issue's goal: within 1.5x).
# Then the cost of a message with findings against a valid one: the files are split by whether
# `--per-message` finds anything in them, and each set is timed alone, per message and per byte.
set -euo pipefail
rounds=${1:-7}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
cargo build --release -q -p deg-contracts-benches --bin parse-floor
cargo build --release -q --bin deg-contracts
cargo xtask synth --count 10000 --out "$work/files" >/dev/null
cargo xtask synth --count 10000 --out "$work/log" --jsonl >/dev/null
gate=${GATE:-target/release/deg-contracts}
floor=target/release/parse-floor
files_bytes=$(find "$work/files" -type f -name '*.json' -printf '%s\n' | awk '{s+=$1} END {print s}')
log_bytes=$(stat -c %s "$work/log/messages.jsonl")
mkdir -p "$work/valid" "$work/findings"
"$gate" validate --per-message --format json "$work/files" 2>/dev/null \
  | grep -o '"file":"[^"]*"' | cut -d'"' -f4 | sort -u > "$work/with-findings" || true
find "$work/files" -name '*.json' | sort > "$work/all"
comm -12 "$work/all" "$work/with-findings" | xargs -r ln -t "$work/findings"
comm -23 "$work/all" "$work/with-findings" | xargs -r ln -t "$work/valid"

declare -A runs=(
  [floor-files]="$floor $work/files"
  [floor-log]="$floor $work/log/messages.jsonl"
  [grammar-files]="$floor --ignored $work/files"
  [grammar-log]="$floor --ignored $work/log/messages.jsonl"
  [gate-files]="$gate validate --format json $work/files"
  [gate-log]="$gate validate --format json $work/log/messages.jsonl"
  [gate-files-per-message]="$gate validate --format json --per-message $work/files"
  [valid-per-message]="$gate validate --format json --per-message --jobs 1 $work/valid"
  [findings-per-message]="$gate validate --format json --per-message --jobs 1 $work/findings"
)
order=(floor-files grammar-files gate-files gate-files-per-message floor-log grammar-log gate-log
  valid-per-message findings-per-message)
shown=(floor-files grammar-files gate-files gate-files-per-message floor-log grammar-log gate-log)
declare -A times
for _ in $(seq "$rounds"); do
  for name in "${order[@]}"; do
    start=$(date +%s%N)
    ${runs[$name]} >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times[$name]+="$(( (end - start) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-24s %10s %12s %9s %9s\n' run wall messages/s MB/s vs-floor
for name in "${shown[@]}"; do
  us=$(echo "${times[$name]}" | median)
  case $name in *log*) bytes=$log_bytes; base=floor-log;; *) bytes=$files_bytes; base=floor-files;; esac
  base_us=$(echo "${times[$base]}" | median)
  awk -v n="$name" -v us="$us" -v b="$bytes" -v f="$base_us" 'BEGIN {
    printf "%-24s %9.3fs %12.0f %9.0f %8.2fx\n", n, us/1e6, 10000/(us/1e6), b/us, us/f }'
done
for form in files log; do
  awk -v f="$form" -v g="$(echo "${times[gate-$form]}" | median)" \
      -v a="$(echo "${times[grammar-$form]}" | median)" 'BEGIN {
    printf "gate on the %s: %.2fx the IgnoredAny floor (goal: within 1.5x)\n", f, g/a }'
done
count() { find "$1" -name '*.json' | wc -l; }
size() { find "$1" -name '*.json' -printf '%s\n' | awk '{s+=$1} END {print s}'; }
awk -v vu="$(echo "${times[valid-per-message]}" | median)" -v fu="$(echo "${times[findings-per-message]}" | median)" \
    -v vn="$(count "$work/valid")" -v fn="$(count "$work/findings")" \
    -v vb="$(size "$work/valid")" -v fb="$(size "$work/findings")" 'BEGIN {
  printf "one worker, --per-message: %d valid messages %.1f us each (%.0f MB/s), %d with findings %.1f us each (%.0f MB/s)\n", vn, vu/vn, vb/vu, fn, fu/fn, fb/fu
  printf "a message with findings costs %.2fx a valid one per message, %.2fx per byte (target: at most 2x)\n", (fu/fn)/(vu/vn), (fu/fb)/(vu/vb) }'
for name in gate-files gate-log; do
  /usr/bin/time -f '%M' -o "$work/rss" ${runs[$name]} >/dev/null 2>&1 || true
  printf '%s peak RSS: %d MB\n' "$name" "$(( $(tail -n 1 "$work/rss") / 1024 ))"
done
