#!/usr/bin/env bash
# Cost per intent of a scenario on PostgreSQL, in measures that a loaded machine does not
# move much: the gateway's instructions (callgrind), statements sent, HOT updates, and CPU
# time of the gateway and of its PostgreSQL backends (from /proc; a loaded machine inflates
# these somewhat, not by multiples). See BENCHMARKS.md, "PostgreSQL: cost per lifecycle".
#
#   scripts/pg-cost.sh BINARY TAG [SCENARIO] [DURATION] [native|callgrind]
#
# Needs: a local PostgreSQL (127.0.0.1:5432, user postgres, trust), psql, and for
# `callgrind` valgrind. Creates (and drops first) the database axp_TAG; its statements are
# logged with their durations (log_min_duration_statement = 0 on that database only,
# without their parameters: logging those costs PostgreSQL CPU), read back from PG_LOG.
# Output in /tmp/pg-cost/TAG/: summary, statements.txt (count and time per statement),
# tables.txt (rows inserted, updated, HOT-updated, deleted per table).
set -u
BIN=${1:?binary}; TAG=${2:?tag (letters, digits, _)}; SCEN=${3:-lifecycle}; DUR=${4:-5s}
MODE=${5:-native}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
OUT=/tmp/pg-cost/$TAG; rm -rf "$OUT"; mkdir -p "$OUT"
DB=axp_$TAG
PSQL=(psql -q -h 127.0.0.1 -U postgres)
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
"${PSQL[@]}" -c "ALTER DATABASE $DB SET log_min_duration_statement = 0" \
  -c "ALTER DATABASE $DB SET log_parameter_max_length = 0" >/dev/null
URL=postgres://postgres@127.0.0.1:5432/$DB
PRE=()
[ "$MODE" = callgrind ] &&
  PRE=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out")
RUST_LOG=warn "${PRE[@]}" "$BIN" server --listen 127.0.0.1:0 --db "$URL" --node-id n1 \
  --no-rate-limits --max-connections-per-client 1000000 --max-streams 1000000 \
  --max-connections 1000000 >"$OUT/server.out" 2>"$OUT/server.err" &
PID=$!
for _ in $(seq 1 120); do grep -q "admin key" "$OUT/server.out" 2>/dev/null && break; sleep 1; done
KEY=$(awk '/admin key/ {print $3}' "$OUT/server.out")
SURL=$(awk '/listening/ {print $2}' "$OUT/server.out")
[ -n "$KEY" ] || { echo "the server did not start (see $OUT/server.err)"; kill "$PID"; exit 1; }
ticks() { cut -d' ' -f14,15 "/proc/$1/stat" | awk '{print $1 + $2}'; }
LOG_FROM=$(($(wc -l <"$PG_LOG") + 1))
[ "$MODE" = callgrind ] && callgrind_control -i on "$PID" >/dev/null
T0=$(ticks "$PID")
"$BIN" bench --base-url "$SURL" --api-key "$KEY" --scenario "$SCEN" --duration "$DUR" -o json \
  >"$OUT/bench.json" 2>"$OUT/bench.err"
T1=$(ticks "$PID")
[ "$MODE" = callgrind ] && callgrind_control -i off "$PID" >/dev/null
# The backends live as long as the server: their whole CPU time, start-up included.
PG_TICKS=0
for p in $("${PSQL[@]}" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' \
    AND pid <> pg_backend_pid()"); do
  [ -r "/proc/$p/stat" ] && PG_TICKS=$((PG_TICKS + $(ticks "$p")))
done
N=$("${PSQL[@]}" -Atc "SELECT count(*) FROM intents" "$DB")
"${PSQL[@]}" -Atc "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del \
  FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0 ORDER BY relname" "$DB" \
  >"$OUT/tables.txt"
kill -TERM "$PID"; wait "$PID" 2>/dev/null
tail -n +"$LOG_FROM" "$PG_LOG" | grep "@$DB " | grep "duration: " |
  sed -E 's/.*duration: ([0-9.]+) ms  (statement|execute|parse|bind)[^:]*: (.{0,60}).*/\1\t\2\t\3/' |
  awk -F'\t' '{c[$2 " " $3]++; t[$2 " " $3] += $1}
    END {for (k in c) printf "%6d %9.1f ms  %s\n", c[k], t[k], k}' |
  sort -k2 -rn >"$OUT/statements.txt"
STMTS=$(awk '$4 == "statement" || $4 == "execute" {n += $1} END {print n + 0}' "$OUT/statements.txt")
HZ=$(getconf CLK_TCK)
IR=0
[ "$MODE" = callgrind ] && IR=$(callgrind_annotate "$OUT/callgrind.out" 2>/dev/null |
  awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
awk -v n="$N" -v s="$STMTS" -v gw=$((T1 - T0)) -v pg="$PG_TICKS" -v hz="$HZ" -v ir="$IR" \
  -v tag="$TAG" -v scen="$SCEN" -v mode="$MODE" 'BEGIN {
  if (n == 0) { print "no intents were written"; exit 1 }
  printf "%s (%s, %s): intents %d, statements/intent %.2f, gateway CPU %.0f us/intent, ",
    tag, scen, mode, n, s / n, gw * 1e6 / hz / n
  printf "PostgreSQL CPU %.0f us/intent", pg * 1e6 / hz / n
  if (ir > 0) printf ", gateway instructions %.0f/intent", ir / n
  printf "\n" }' | tee "$OUT/summary"
