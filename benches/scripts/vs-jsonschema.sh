#!/usr/bin/env bash
# The gate against a generic JSON Schema CLI on the same bare contracts, one thread each,
# interleaved in one run (README, Performance; the parse-floor issue's first target).
#
#   benches/scripts/vs-jsonschema.sh [ROUNDS]
#
# GATE=PATH times another build of the gate (say target/pgo/deg-contracts, from
# `cargo xtask pgo`) instead of target/release/deg-contracts.
#
# Installs the jsonschema-rs CLI (crates.io `jsonschema-cli` 0.60, into target/tools), writes
# 10,000 synthetic messages with `cargo xtask synth`, extracts their EnergyContractP2PTrade
# objects to a file each, then times, ROUNDS times in turn, `jsonschema-cli validate
# --assert-format` with our bundled schema and `deg-contracts validate --jobs 1` on the same
# files, and `parse-floor --read-only` (open and read each file, parse nothing), what both pay.
# Prints each one's median wall and CPU time (user + system), the ratios of those medians,
# and the median of each round's own ratio (the peer and the gate timed back to back).
set -euo pipefail
rounds=${1:-7}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
tools=target/tools
if [ ! -x "$tools/bin/jsonschema-cli" ]; then
  cargo install -q jsonschema-cli --version '^0.60' --locked --root "$tools"
fi
cargo build --release -q --bin deg-contracts -p deg-contracts
cargo build --release -q -p deg-contracts-benches --bin extract-contracts --bin parse-floor
cargo xtask synth --count 10000 --out "$work/messages" >/dev/null 2>&1
target/release/extract-contracts "$work/messages" "$work/contracts"
schema=generated/bundled/EnergyContractP2PTrade.v1.schema.json
instances=(-i "$work"/contracts/*.json)
peer="$tools/bin/jsonschema-cli validate --assert-format --offline --errors-only $schema"
gate="${GATE:-target/release/deg-contracts} validate --jobs 1 --format json $work/contracts"
# What either tool pays to open and read the same files, one thread, parsing nothing.
read="target/release/parse-floor --jobs 1 --read-only $work/contracts"
"$tools/bin/jsonschema-cli" --version
# One run's wall time (from the clock, in ns) and CPU time (user + system of the command, as
# the shell's `times` reports its children, to the millisecond), both in seconds: finer than
# /usr/bin/time's hundredths, which are a tenth of a run here.
measure() {
  (
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $((end - start))
    times
  ) | awk '
    function seconds(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    NR == 1 { ns = $1 }
    NR == 3 { printf "%.4f %.4f\n", ns / 1e9, seconds($1) + seconds($2) }'
}
declare -A wall cpu
# Each round's peer time over its gate time: the two ran seconds apart, so a host that slows
# for a while slows both, and the round's ratio stands where the medians of each drift apart.
paired_wall=""
paired_cpu=""
for _ in $(seq "$rounds"); do
  for name in peer gate read; do
    case $name in
      peer) command=($peer "${instances[@]}") ;;
      gate) command=($gate) ;;
      read) command=($read) ;;
    esac
    read -r elapsed used < <(measure "${command[@]}")
    wall[$name]+="$elapsed "
    cpu[$name]+="$used "
    case $name in
      peer) peer_wall=$elapsed peer_cpu=$used ;;
      gate)
        paired_wall+="$(awk -v p="$peer_wall" -v g="$elapsed" 'BEGIN { printf "%.4f", p / g }') "
        paired_cpu+="$(awk -v p="$peer_cpu" -v g="$used" 'BEGIN { printf "%.4f", (g > 0 ? p / g : 0) }') "
        ;;
    esac
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
count=$(ls "$work/contracts" | wc -l)
printf '%s contracts, %s rounds, medians\n' "$count" "$rounds"
printf '%-28s %8s %8s\n' run wall cpu
for name in peer gate read; do
  printf '%-28s %7.3fs %7.3fs\n' "$name" "$(echo "${wall[$name]}" | median)" "$(echo "${cpu[$name]}" | median)"
done
awk -v pw="$(echo "${wall[peer]}" | median)" -v gw="$(echo "${wall[gate]}" | median)" \
    -v pc="$(echo "${cpu[peer]}" | median)" -v gc="$(echo "${cpu[gate]}" | median)" 'BEGIN {
  printf "gate vs peer: %.2fx faster in wall time, %.2fx in CPU (target 1.5x, goal 2x)\n", pw/gw, pc/gc }'
printf 'gate vs peer, the median of the rounds'"'"' own ratios: %.2fx in wall time, %.2fx in CPU\n' \
  "$(echo "$paired_wall" | median)" "$(echo "$paired_cpu" | median)"
awk -v pw="$(echo "${wall[peer]}" | median)" -v gw="$(echo "${wall[gate]}" | median)" \
    -v rw="$(echo "${wall[read]}" | median)" 'BEGIN {
  printf "reading the files alone: %.0f%% of the peer'"'"'s wall time, %.0f%% of the gate'"'"'s\n", 100*rw/pw, 100*rw/gw }'
