#!/usr/bin/env bash
# run.sh: the HTTP benchmark behind `make bench`: wrk against a bare
# libmicrohttpd hello server (the ceiling), GET /api/v1/health and
# GET /api/v1/products/{id}; prints a table and writes bench/results-http.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
WRK_THREADS=2
WRK_CONNS=64
TERSA=${TERSA_BIN:-build/tersa}
PASSWORD='Bench-admin-passw0rd-2026'
OUT=bench/results-http.md

for c in wrk curl node cc pkg-config; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "bench: $c not found (run scripts/deps.sh)" >&2
		exit 1
	}
done
[[ -x $TERSA ]] || {
	echo "bench: $TERSA not built (make build/tersa)" >&2
	exit 1
}

mkdir -p build/bench
if [[ ! build/bench/hello -nt bench/http/hello.c ]]; then
	# shellcheck disable=SC2046 # pkg-config output is a list of flags
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
		-Wshadow -Wstrict-prototypes -Wformat=2 -Isrc -include src/base/banned.h \
		$(pkg-config --cflags libmicrohttpd) -o build/bench/hello \
		bench/http/hello.c $(pkg-config --libs libmicrohttpd) -lpthread
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench.XXXXXX")
HELLO_PID=""
TERSA_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in $HELLO_PID $TERSA_PID; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $HELLO_PID $TERSA_PID; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_up URL PID NAME LOG: waits (20 s at most) until URL answers 200.
wait_up() {
	local i
	for ((i = 0; i < 200; i++)); do
		if curl -sf -o /dev/null "$1"; then return 0; fi
		if ! kill -0 "$2" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "bench: $3 did not answer on $1" >&2
	cat "$4" >&2
	exit 1
}

# json_get FIELD: prints FIELD of the JSON object on stdin.
json_get() {
	node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
		const v = JSON.parse(s)[process.argv[1]];
		if (v === undefined || v === null) process.exit(1);
		console.log(v); });' "$1"
}

HELLO_PORT=$(free_port)
build/bench/hello "$HELLO_PORT" >"$TMP/hello.log" 2>&1 &
HELLO_PID=$!
HELLO_URL="http://127.0.0.1:$HELLO_PORT/"
wait_up "$HELLO_URL" "$HELLO_PID" hello "$TMP/hello.log"

TERSA_PORT=$(free_port)
BASE="http://127.0.0.1:$TERSA_PORT"
TERSA_ADMIN_PASSWORD=$PASSWORD "$TERSA" serve --db "$TMP/bench.db" \
	--listen "127.0.0.1:$TERSA_PORT" >"$TMP/tersa.log" 2>&1 &
TERSA_PID=$!
wait_up "$BASE/api/v1/health" "$TERSA_PID" "tersa serve" "$TMP/tersa.log"
VERSION=$(curl -sf "$BASE/api/v1/health" | json_get version || echo "?")

TOKEN=$(curl -sf -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" \
	"$BASE/api/v1/auth/login" | json_get token) || {
	echo "bench: login as admin failed" >&2
	exit 1
}
AUTH="Authorization: Bearer $TOKEN"
PRODUCT_ID=$(curl -sf -H 'Content-Type: application/json' -H "$AUTH" \
	-d '{"sku":"B1","name":"Bench","price":100,"vat_rate":1300}' \
	"$BASE/api/v1/products" | json_get id) || {
	echo "bench: POST /api/v1/products failed" >&2
	exit 1
}
curl -sf -o /dev/null -H "$AUTH" "$BASE/api/v1/products/$PRODUCT_ID" || {
	echo "bench: GET /api/v1/products/$PRODUCT_ID failed" >&2
	exit 1
}

# to_ms VALUE: wrk's 714.00us / 1.07ms / 1.20s as milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

# measure ROUND NAME URL [wrk args...]: one wrk run (after a warm-up in the
# first round); appends "req/s avg p50 p99 errors" to $TMP/NAME.rows.
measure() {
	local round=$1 name=$2 url=$3 out=$TMP/$2.$1.txt
	shift 3
	echo "bench: round $round/$ROUNDS: $name ($url)" >&2
	if ((round == 1)); then
		wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WARMUP" "$@" "$url" >/dev/null
	fi
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$DURATION" --latency "$@" "$url" >"$out"
	printf '%s %s %s %s %s\n' \
		"$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")" \
		"$(to_ms "$(awk '$1 == "Latency" { print $2; exit }' "$out")")" \
		"$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")" \
		"$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")" \
		"$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
			/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
			END { print n + 0 }' "$out")" >>"$TMP/$name.rows"
}

# Rounds interleave the three targets, so that a load change on the machine
# touches all of them; each figure is the round with the median req/s.
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
for ((r = 1; r <= ROUNDS; r++)); do
	measure "$r" hello "$HELLO_URL"
	measure "$r" health "$BASE/api/v1/health"
	measure "$r" product "$BASE/api/v1/products/$PRODUCT_ID" -H "$AUTH"
done

declare -A RPS AVG P50 P99 ERRS ALL
for n in hello health product; do
	read -r RPS[$n] AVG[$n] P50[$n] P99[$n] _ < <(sort -n "$TMP/$n.rows" | sed -n "$(((ROUNDS + 1) / 2))p")
	ERRS[$n]=$(awk '{ n += $5 } END { print n + 0 }' "$TMP/$n.rows")
	ALL[$n]=$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$TMP/$n.rows")
done

ratio() { awk -v a="${RPS[$1]}" -v b="${RPS[hello]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
goal() { # NAME MIN: "met" or "missed" for ratio >= MIN
	awk -v r="$(ratio "$1")" -v m="$2" 'BEGIN { print (r + 0 >= m + 0 ? "met" : "missed") }'
}

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo "?")
CORES=$(nproc)
WRK_VERSION=$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)
MHD_VERSION=$(pkg-config --modversion libmicrohttpd)
DATE=$(date -u +%Y-%m-%d)
NAMES=(hello health product)
declare -A LABEL=([hello]="hello (bare libmicrohttpd)"
	[health]="GET /api/v1/health"
	[product]="GET /api/v1/products/{id} (token)")
declare -A GOAL=([hello]="ceiling" [health]="≥ 0.80: $(goal health 0.8)"
	[product]="≥ 0.50: $(goal product 0.5)")

printf '\n%-36s %10s %7s %9s %9s %9s %7s  %s\n' target req/s ×hello "avg ms" "p50 ms" "p99 ms" errors goal
for n in "${NAMES[@]}"; do
	printf '%-36s %10s %7s %9s %9s %9s %7s  %s\n' "${LABEL[$n]}" "${RPS[$n]}" \
		"$(ratio "$n")" "${AVG[$n]}" "${P50[$n]}" "${P99[$n]}" "${ERRS[$n]}" "${GOAL[$n]}"
done

{
	echo "# HTTP benchmark results"
	echo
	echo "Measured $DATE with \`make bench\` (bench/run.sh): \`wrk -t$WRK_THREADS -c$WRK_CONNS -d$DURATION --latency\`"
	echo "after a $WARMUP warm-up, keep-alive, wrk and the servers on the same machine"
	echo "($CORES cores, $CPU; load average $LOAD at the start). tersa $VERSION on"
	echo "SQLite with its default settings; libmicrohttpd $MHD_VERSION; wrk $WRK_VERSION."
	echo "$ROUNDS rounds over the three targets in turn; each row is its median round."
	echo
	echo "| target | requests/s | × hello | avg ms | p50 ms | p99 ms | errors | goal |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	for n in "${NAMES[@]}"; do
		echo "| ${LABEL[$n]} | ${RPS[$n]} | $(ratio "$n") | ${AVG[$n]} | ${P50[$n]} | ${P99[$n]} | ${ERRS[$n]} | ${GOAL[$n]} |"
	done
	echo
	echo "errors: non-2xx answers plus socket errors over all rounds; any makes the"
	echo "row meaningless."
	echo
	echo "requests/s of each round:"
	echo
	for n in "${NAMES[@]}"; do
		echo "- ${LABEL[$n]}: ${ALL[$n]}"
	done
} >"$OUT"
echo
echo "bench: results written to $OUT"

status=0
for n in "${NAMES[@]}"; do
	if ((ERRS[$n] > 0)); then
		echo "bench: $n had ${ERRS[$n]} errors (see $OUT)" >&2
		status=1
	fi
done
kill -TERM "$TERSA_PID"
if ! wait "$TERSA_PID"; then
	echo "bench: tersa serve did not exit cleanly on SIGTERM" >&2
	tail -n 20 "$TMP/tersa.log" >&2
	status=1
fi
TERSA_PID=""
exit $status
