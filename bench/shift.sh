#!/usr/bin/env bash
# shift.sh: the shift-close benchmark: builds bench/shift_close.c against
# build/libtersa.a and times closing shifts of BENCH_SHIFT_SALES sales
# (default 10000) on a fresh SQLite file and, when BENCH_PG is a PostgreSQL
# server URL (postgresql://user@host:port/postgres), on a fresh database
# there too. Exits non-zero when a close takes a second or more.
set -euo pipefail
cd "$(dirname "$0")/.."

SALES=${BENCH_SHIFT_SALES:-10000}
ROUNDS=${BENCH_SHIFT_ROUNDS:-5}

make --no-print-directory build/libtersa.a >/dev/null
mkdir -p build/bench
if [[ ! build/bench/shift_close -nt bench/shift_close.c || build/libtersa.a -nt build/bench/shift_close ]]; then
	# shellcheck disable=SC2046 # pkg-config output is a list of flags
	cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
		-Wstrict-prototypes -Wformat=2 -Isrc -include src/base/banned.h \
		$(pkg-config --cflags jansson sqlite3 libpq) -I"$(pg_config --includedir)" \
		-o build/bench/shift_close bench/shift_close.c build/libtersa.a \
		$(pkg-config --libs libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter) \
		-lpthread -lm
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-shift.XXXXXX")
PG_DB=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [[ -n $PG_DB ]]; then
		psql "$BENCH_PG" -X -q -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

status=0
echo "== SQLite (synchronous=${TERSA_SQLITE_SYNC:-FULL})"
build/bench/shift_close "$TMP/shift.db" "$SALES" "$ROUNDS" || status=1
if [[ -n ${BENCH_PG:-} ]]; then
	PG_DB="tersa_shift_bench_$$"
	psql "$BENCH_PG" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB" >/dev/null
	echo "== PostgreSQL"
	build/bench/shift_close "${BENCH_PG%/*}/$PG_DB" "$SALES" "$ROUNDS" || status=1
fi
exit $status
