#!/usr/bin/env bash
# Runs every `axme bench` scenario RUNS times (default 3) with the release build and
# prints the median of each figure next to its bar. Reports go to $OUT (one JSON per run).
# Usage: scripts/bench-all.sh [RUNS]   (from the repository root, after cargo build --release)
set -euo pipefail
RUNS=${1:-3}
AXME=${AXME:-target/release/axme}
OUT=${OUT:-target/bench-results}
mkdir -p "$OUT"
# The machine may be shared: wait (up to 2 min) until no compiler runs before each run.
quiet() {
  for _ in $(seq 60); do
    pgrep -x rustc >/dev/null || pgrep -x cc1 >/dev/null || return 0
    sleep 2
  done
}
run() { # name, args...
  local name=$1; shift
  for i in $(seq "$RUNS"); do
    quiet
    "$AXME" bench "$@" -o json > "$OUT/$name-$i.json"
  done
}
run submit    --scenario submit    --duration 10s --concurrency 64
run lifecycle --scenario lifecycle --duration 10s --concurrency 64 --agents 4
run latency   --scenario latency   --duration 10s --rate 200
run fanout    --scenario fanout    --watchers 10000
python3 - "$OUT" "$RUNS" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def med(name, path):
    vals = []
    for i in range(1, runs + 1):
        v = json.load(open(f"{out}/{name}-{i}.json"))
        for k in path.split("."):
            v = v[k]
        vals.append(v)
    return statistics.median(vals), vals
rows = [
    ("submit", "intents_per_s", ">= 20000"),
    ("submit", "ack_latency.p99_ms", ""),
    ("lifecycle", "lifecycles_per_s", ">= 10000"),
    ("lifecycle", "submit_to_completed_at_watcher.p99_ms", ""),
    ("latency", "submit_to_agent_receives.p50_ms", ""),
    ("latency", "submit_to_agent_receives.p99_ms", "<= 3"),
    ("latency", "submit_to_delivered_at_watcher.p99_ms", ""),
    ("latency", "submit_to_completed_at_watcher.p50_ms", ""),
    ("latency", "submit_to_completed_at_watcher.p99_ms", "<= 5"),
    ("fanout", "watchers_received", ">= 10000"),
    ("fanout", "all_received_ms", ""),
    ("fanout", "server_rss_with_watchers_mb", "<= 300"),
    ("fanout", "server_rss_per_watcher_kb", ""),
]
for name, path, bar in rows:
    m, vals = med(name, path)
    print(f"{name:10} {path:42} median {m:>10} {bar:9} runs {vals}")
PY
