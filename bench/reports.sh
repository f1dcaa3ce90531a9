#!/usr/bin/env bash
# reports.sh: the dashboard's report calls on the full demo company, through
# HTTP, against DuckDB computing the same figures from the raw sales, lines
# and returns exported once. Creates the demo database on first use
# (BENCH_REPORTS_DB, default var/bench-demo.db; seed 1) and keeps it; checks
# that every figure is identical and writes bench/results-reports.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_REPORTS_DB:-var/bench-demo.db}
REPS=${BENCH_REPORT_CALLS:-50}
TERSA=${TERSA_BIN:-build/tersa}
PASSWORD='Bench-admin-passw0rd-2026'
OUT=bench/results-reports.md

for c in sqlite3 node npm; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench: $c not found" >&2; exit 1; }
done
[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }
if [[ ! -d bench/reports/node_modules/@duckdb ]]; then
	(cd bench/reports && npm ci --no-audit --no-fund --silent)
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-reports.XXXXXX")
TERSA_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [[ -n $TERSA_PID ]]; then
		kill -TERM "$TERSA_PID" 2>/dev/null || true
		wait "$TERSA_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

if [[ ! -f $DB ]]; then
	mkdir -p "$(dirname "$DB")"
	echo "creating the full demo company in $DB ..."
	"$TERSA" demo --db "$DB" --scale full --seed 1
fi
printf '%s\n' "$PASSWORD" | "$TERSA" user passwd --db "$DB" admin >/dev/null 2>&1 ||
	printf '%s\n' "$PASSWORD" | "$TERSA" user add --db "$DB" --username admin --role admin >/dev/null

echo "exporting the raw sales once ..."
for t in sales sale_lines sale_returns sale_return_lines products categories; do
	sqlite3 -header -csv "$DB" "SELECT * FROM $t" >"$TMP/$t.csv"
done

PORT=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
"$TERSA" serve --db "$DB" --listen "127.0.0.1:$PORT" --per-ip 100000 >"$TMP/serve.log" 2>&1 &
TERSA_PID=$!
for _ in $(seq 1 300); do
	curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
	sleep 0.1
done

PORT=$PORT PASSWORD=$PASSWORD DIR=$TMP REPS=$REPS OUT=$OUT node bench/reports/run.mjs
echo "wrote $OUT"
