#!/usr/bin/env bash
# sales.sh: POST /api/v1/sales throughput against the engine's own ceiling
# (bench/sales/plain.c: the same writes straight on SQLite, one transaction
# per sale, same synchronous mode). Writes bench/results-sales.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_SALES_CONNS:-16}
STORES=${BENCH_SALES_STORES:-4}
PRODUCTS=${BENCH_SALES_PRODUCTS:-200}
MAXLINES=${BENCH_SALES_MAXLINES:-8}
PLAIN_SALES=${BENCH_PLAIN_SALES:-10000} # about as long as a server round
# The variant with a customer on every sale, earning points (0: skip it).
CUSTOMERS=${BENCH_SALES_CUSTOMERS:-10000}
THREADS=${BENCH_SALES_THREADS:-} # empty: the server default (2 per core)
TERSA=${TERSA_BIN:-build/tersa}
# Another build to compare in the same run (before/after a change): its
# rounds interleave with the others and get rows of their own.
BASELINE=${BENCH_BASELINE_BIN:-}
PASSWORD='Bench-admin-passw0rd-2026'
OUT=bench/results-sales.md
export TERSA_SQLITE_SYNC=${TERSA_SQLITE_SYNC:-FULL}

mkdir -p build/bench
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o build/bench/plain bench/sales/plain.c -lsqlite3

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-sales.XXXXXX")
PID=""
cleanup() {
	[[ -n $PID ]] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

# serve DB [ARGS...]: starts tersa (SERVE_BIN, else TERSA_BIN) on DB, sets
# PID, BASE and TOKEN.
serve() {
	local db=$1 p
	shift
	p=$(port)
	BASE="http://127.0.0.1:$p"
	TERSA_ADMIN_PASSWORD=$PASSWORD "${SERVE_BIN:-$TERSA}" serve --db "$db" --listen "127.0.0.1:$p" "$@" >"$TMP/serve.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/api/v1/health" && break; sleep 0.1; done
	TOKEN=$(curl -sf -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" | field token)
}
stop() { kill -TERM "$PID"; wait "$PID" || true; PID=""; }
post() { curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -d "$2" "$BASE$1"; }

# make_base DB: a company with stores 1..STORES and products 1..PRODUCTS
# (product i costs 100 + (i % 50) * 10, as sale.lua and plain.c assume), each
# with plenty of stock in every store, made by the binary that will serve it
# (a baseline build refuses a newer schema).
make_base() {
	serve "$1"
	for s in $(seq "$STORES"); do
		post /api/v1/stores "{\"code\":\"S$s\",\"name\":\"Bench $s\",\"channel\":\"direct\"}"
	done
	for i in $(seq "$PRODUCTS"); do
		post /api/v1/products "{\"sku\":\"B$i\",\"name\":\"Bench $i\",\"price\":$((100 + (i % 50) * 10)),\"cost\":60,\"vat_rate\":1300}"
		for s in $(seq "$STORES"); do
			post /api/v1/stock/moves "{\"store_id\":$s,\"product_id\":$i,\"quantity\":100000000,\"reason\":\"receipt\"}"
		done
	done
	# Three tiers (points ×1, ×1.2, ×1.5; no tier discount, so that the plain
	# program writes the same lines) for the customers' variant.
	# (A build before tiers existed answers 404: it gets no customers' rows.)
	post /api/v1/tiers '{"code":"normal","name":"普通","min_spend":0,"discount_bp":0,"points_multiplier_bp":10000}' || true
	post /api/v1/tiers '{"code":"silver","name":"银卡","min_spend":100000,"discount_bp":0,"points_multiplier_bp":12000}' || true
	post /api/v1/tiers '{"code":"gold","name":"金卡","min_spend":500000,"discount_bp":0,"points_multiplier_bp":15000}' || true
	stop
	# Customers 1..CUSTOMERS in bulk (their profiles do not matter here).
	if ((CUSTOMERS > 0)) && [[ -z ${SERVE_BIN:-} ]]; then
		sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
			WHERE i < $CUSTOMERS) INSERT INTO customers (id, name, phone, phone_last4, member_code,
			created_at, updated_at) SELECT i, 'Bench ' || i, '139' || printf('%08d', i),
			substr(printf('%08d', i), 5), '9' || printf('%011d', i), 0, 0 FROM n"
	fi
}
make_base "$TMP/base.db"
if [[ -n $BASELINE ]]; then
	SERVE_BIN=$BASELINE make_base "$TMP/bbase.db"
fi

run_wrk() { # NAME [serve args...]
	local name=$1
	shift
	rm -f "$TMP/$name.db"* # a WAL left by the last round would not match
	cp "${BASE_DB:-$TMP/base.db}" "$TMP/$name.db"
	serve "$TMP/$name.db" "$@"
	TOKEN=$TOKEN STORES=$STORES PRODUCTS=$PRODUCTS MAXLINES=$MAXLINES CUSTOMERS=${WITH_CUSTOMERS:-0} \
		wrk -t2 -c"$CONNS" -d2s -s bench/sales/sale.lua "$BASE" >/dev/null
	TOKEN=$TOKEN STORES=$STORES PRODUCTS=$PRODUCTS MAXLINES=$MAXLINES CUSTOMERS=${WITH_CUSTOMERS:-0} \
		wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/sales/sale.lua "$BASE" >"$TMP/$name.txt"
	stop
	local rps p50 p99 bad
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$TMP/$name.txt")
	p50=$(awk '$1 == "50%" { print $2 }' "$TMP/$name.txt")
	p99=$(awk '$1 == "99%" { print $2 }' "$TMP/$name.txt")
	bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { n += 1 } END { print n + 0 }' "$TMP/$name.txt")
	echo "$rps $p50 $p99 $bad"
}

# Rounds interleave the three, so that a change in the machine's load or
# disk latency touches all of them; each figure is its median round.
ROUNDS=${BENCH_ROUNDS:-3}
for ((r = 1; r <= ROUNDS; r++)); do
	echo "bench: sales round $r/$ROUNDS" >&2
	rm -f "$TMP"/plain.db*
	cp "$TMP/base.db" "$TMP/plain.db"
	build/bench/plain "$TMP/plain.db" "$PLAIN_SALES" "$STORES" "$PRODUCTS" "$MAXLINES" |
		sed -E 's/.*: ([0-9]+) sales\/s p50 ([0-9.]+) ms p99 ([0-9.]+) ms.*/\1 \2ms \3ms 0/' >>"$TMP/plain.rows"
	run_wrk single ${THREADS:+--threads "$THREADS"} --no-group-commit >>"$TMP/single.rows"
	run_wrk group ${THREADS:+--threads "$THREADS"} >>"$TMP/group.rows"
	if ((CUSTOMERS > 0)); then
		rm -f "$TMP"/cplain.db*
		cp "$TMP/base.db" "$TMP/cplain.db"
		build/bench/plain "$TMP/cplain.db" "$PLAIN_SALES" "$STORES" "$PRODUCTS" "$MAXLINES" "$CUSTOMERS" |
			sed -E 's/.*: ([0-9]+) sales\/s p50 ([0-9.]+) ms p99 ([0-9.]+) ms.*/\1 \2ms \3ms 0/' >>"$TMP/cplain.rows"
		WITH_CUSTOMERS=$CUSTOMERS run_wrk cgroup ${THREADS:+--threads "$THREADS"} >>"$TMP/cgroup.rows"
	fi
	if [[ -n $BASELINE ]]; then
		BASE_DB=$TMP/bbase.db SERVE_BIN=$BASELINE run_wrk bsingle ${THREADS:+--threads "$THREADS"} --no-group-commit >>"$TMP/bsingle.rows"
		BASE_DB=$TMP/bbase.db SERVE_BIN=$BASELINE run_wrk bgroup ${THREADS:+--threads "$THREADS"} >>"$TMP/bgroup.rows"
	fi
done
median() { sort -n "$TMP/$1.rows" | sed -n "$(((ROUNDS + 1) / 2))p"; }
all() { awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$TMP/$1.rows"; }
read -r PLAIN_RPS PLAIN_P50 PLAIN_P99 _ < <(median plain)
read -r ONE_RPS ONE_P50 ONE_P99 ONE_BAD < <(median single)
read -r GRP_RPS GRP_P50 GRP_P99 GRP_BAD < <(median group)
if ((CUSTOMERS > 0)); then
	read -r CPLAIN_RPS CPLAIN_P50 CPLAIN_P99 _ < <(median cplain)
	read -r CGRP_RPS CGRP_P50 CGRP_P99 CGRP_BAD < <(median cgroup)
fi
if [[ -n $BASELINE ]]; then
	read -r BONE_RPS BONE_P50 BONE_P99 BONE_BAD < <(median bsingle)
	read -r BGRP_RPS BGRP_P50 BGRP_P99 BGRP_BAD < <(median bgroup)
fi

ratio() { awk -v a="$1" -v b="${2:-$PLAIN_RPS}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
{
	echo "# Sales benchmark results"
	echo
	echo "Measured $(date -u +%F) with \`make bench\` (bench/sales.sh): card sales of 1–$MAXLINES random"
	echo "products (of $PRODUCTS) in a random store (of $STORES),"
	echo "\`wrk -t2 -c$CONNS -d$DURATION\` with a fresh Idempotency-Key per request, keep-alive;"
	echo "SQLite synchronous=$TERSA_SQLITE_SYNC, WAL; \`tersa serve${THREADS:+ --threads $THREADS}\` ($(nproc) cores, wrk on the same machine)."
	echo
	echo "| what | sales/s | × plain | p50 | p99 | errors |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	echo "| plain C on SQLite, one transaction per sale ($PLAIN_SALES sales, 1 writer) | $PLAIN_RPS | 1.00 | $PLAIN_P50 | $PLAIN_P99 | 0 |"
	echo "| POST /api/v1/sales, one commit per sale (--no-group-commit) | $ONE_RPS | $(ratio "$ONE_RPS") | $ONE_P50 | $ONE_P99 | $ONE_BAD |"
	echo "| POST /api/v1/sales, group commit (default) | $GRP_RPS | $(ratio "$GRP_RPS") | $GRP_P50 | $GRP_P99 | $GRP_BAD |"
	if [[ -n $BASELINE ]]; then
		echo "| baseline ($BASELINE), one commit per sale | $BONE_RPS | $(ratio "$BONE_RPS") | $BONE_P50 | $BONE_P99 | $BONE_BAD |"
		echo "| baseline ($BASELINE), group commit | $BGRP_RPS | $(ratio "$BGRP_RPS") | $BGRP_P50 | $BGRP_P99 | $BGRP_BAD |"
	fi
	if ((CUSTOMERS > 0)); then
		echo
		echo "With a customer on every sale (one of $CUSTOMERS, in three tiers), earning points:"
		echo
		echo "| what | sales/s | × plain with customers | p50 | p99 | errors |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: |"
		echo "| plain C on SQLite, the same writes with the customer's ($PLAIN_SALES sales) | $CPLAIN_RPS | 1.00 | $CPLAIN_P50 | $CPLAIN_P99 | 0 |"
		echo "| POST /api/v1/sales with customer_id, group commit | $CGRP_RPS | $(ratio "$CGRP_RPS" "$CPLAIN_RPS") | $CGRP_P50 | $CGRP_P99 | $CGRP_BAD |"
	fi
	echo
	echo "Goals (issue #4): one commit per sale ≥ 0.7× plain; group commit ≥ 2× plain"
	echo "(issue #9: also with a customer earning points on every sale)."
	echo
	echo "Each row is the median of $ROUNDS interleaved rounds; sales/s of every round:"
	echo
	echo "- plain: $(all plain)"
	echo "- one commit per sale: $(all single)"
	echo "- group commit: $(all group)"
	if ((CUSTOMERS > 0)); then
		echo "- plain with customers: $(all cplain)"
		echo "- group commit with customers: $(all cgroup)"
	fi
	if [[ -n $BASELINE ]]; then
		echo "- baseline, one commit per sale: $(all bsingle)"
		echo "- baseline, group commit: $(all bgroup)"
	fi
} >"$OUT"
cat "$OUT"
