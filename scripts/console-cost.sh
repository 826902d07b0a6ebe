#!/usr/bin/env bash
# What the web console costs (issue 14: at most 10 % of the binary, nothing on `axme
# version`'s start time). Builds the release binary with the `console` feature (the default)
# and without it, then prints both sizes (as built and stripped), the console's share, the
# bytes of its compiled-in assets, and the wall time of RUNS runs of `axme version` with each
# binary (interleaved in rounds, so load on the machine falls on both alike).
#
#   scripts/console-cost.sh            # RUNS=100 by default; builds into target/console-cost/
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
DIR=${CONSOLE_COST_DIR:-target/console-cost}
mkdir -p "$DIR"

cargo build --release --locked --target-dir "$DIR" >&2
cp "$DIR/release/axme" "$DIR/axme-console"
cargo build --release --locked --no-default-features --target-dir "$DIR" >&2
cp "$DIR/release/axme" "$DIR/axme-bare"
for b in console bare; do
    strip -o "$DIR/axme-$b.stripped" "$DIR/axme-$b"
done

size() { stat -c %s "$1"; }
assets=$(cat src/server/console/assets/* | wc -c)
with=$(size "$DIR/axme-console")
without=$(size "$DIR/axme-bare")
with_s=$(size "$DIR/axme-console.stripped")
without_s=$(size "$DIR/axme-bare.stripped")
share() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f %%", (a - b) * 100 / b }'; }
echo "release binary, with the console:     $with bytes ($with_s stripped)"
echo "release binary, without the console:  $without bytes ($without_s stripped)"
echo "the console adds:                     $((with - without)) bytes, $(share "$with" "$without") ($((with_s - without_s)) bytes stripped, $(share "$with_s" "$without_s"))"
echo "of which compiled-in assets:          $assets bytes"

# RUNS starts of `axme version` per binary, in rounds of 10 alternating the two.
declare -A us=([console]=0 [bare]=0)
rounds=$((RUNS / 10))
for ((r = 0; r < rounds; r++)); do
    for b in console bare; do
        start=$(date +%s%N)
        for ((i = 0; i < 10; i++)); do "$DIR/axme-$b" version >/dev/null; done
        end=$(date +%s%N)
        us[$b]=$((us[$b] + (end - start) / 1000))
    done
done
runs=$((rounds * 10))
for b in console bare; do
    awk -v us="${us[$b]}" -v n="$runs" -v b="$b" \
        'BEGIN { printf "axme version (%s): %d runs, %.2f ms each on average\n", b, n, us / n / 1000 }'
done
