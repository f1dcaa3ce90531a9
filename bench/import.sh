#!/usr/bin/env bash
# import.sh: times `tersa import customers` of a generated CSV of 100,000
# customers (name, phone, birthday, gender, email, tags) into a fresh SQLite
# database, and on PostgreSQL too when TERSA_BENCH_PG names a server URL.
# Goal: under 10 seconds. Usage: bench/import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
BIN=${TERSA_BIN:-$PWD/build/tersa}
DIR=$(mktemp -d /tmp/tersa-bench-import.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

awk -v n="$ROWS" 'BEGIN {
	print "姓名,手机号,生日,性别,email,标签"
	split("王 李 张 刘 陈 杨 赵 黄 周 吴", fam, " ")
	split("伟 芳 娜 敏 静 丽 强 磊 军 洋", giv, " ")
	for (i = 0; i < n; i++) {
		printf "%s%s%s,1%d%09d,19%02d-%02d-%02d,%s,c%d@example.cn,%s\n",
			fam[i % 10 + 1], giv[int(i / 10) % 10 + 1], giv[int(i / 100) % 10 + 1],
			3 + i % 7, i, 50 + i % 50, 1 + i % 12, 1 + i % 28,
			(i % 2 ? "女" : "男"), i, (i % 3 ? "" : "\"vip,new\"")
	}
}' > "$DIR/customers.csv"

run() {
	local db=$1 label=$2 t0 t1
	t0=$(date +%s.%N)
	"$BIN" import customers "$DIR/customers.csv" --db "$db" 2>"$DIR/err.log" >"$DIR/out.log" || {
		cat "$DIR/err.log" | grep -v ' INFO ' | head -5
		exit 1
	}
	t1=$(date +%s.%N)
	printf 'import %d customers (%s): %.2f s  [%s]\n' "$ROWS" "$label" \
		"$(echo "$t1 - $t0" | bc)" "$(cat "$DIR/out.log")"
}

"$BIN" migrate --db "$DIR/bench.db" >/dev/null 2>&1
run "$DIR/bench.db" sqlite
if [[ -n ${TERSA_BENCH_PG:-} ]]; then
	name=bench_import_$$
	psql "$TERSA_BENCH_PG" -qc "CREATE DATABASE $name" >/dev/null
	url="${TERSA_BENCH_PG%/*}/$name"
	"$BIN" migrate --db "$url" >/dev/null 2>&1
	run "$url" postgresql
	psql "$TERSA_BENCH_PG" -qc "DROP DATABASE $name" >/dev/null
fi
