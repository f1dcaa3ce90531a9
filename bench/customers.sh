#!/usr/bin/env bash
# customers.sh: member lookup at scale. Seeds N customers (default
# 1,000,000; a bulk SQL path straight into a migrated SQLite file, half of
# them linked to store 1), starts `tersa serve` on it and times lookups
# through HTTP one at a time: by full phone, last four digits, member code,
# name prefix and pinyin initials, as admin and as a salesperson of store 1
# (the store-scoped queries). Prints p50 and p99 per lookup and writes
# bench/results-customers.md.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_CUSTOMERS:-1000000}
REQS=${BENCH_LOOKUPS:-2000}
TERSA=${TERSA_BIN:-build/tersa}
PASSWORD='Bench-admin-passw0rd-2026'
OUT=bench/results-customers.md

for c in sqlite3 node; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench: $c not found" >&2; exit 1; }
done
[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-cust.XXXXXX")
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

DB=$TMP/tersa.db
"$TERSA" migrate --db "$DB" >/dev/null
# Names from 20 surnames and 40 given-name characters with their pinyin
# initials side by side (as name_initials gives them); phones 139 + a
# permutation of i (unique); member codes 8 + i.
SUR='王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
SUR_I='wlzlcyhzwzxsmzhghgll'
GIV='伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞辉建国志文斌宇浩雪'
GIV_I='wfnmjlqljyyyjjtmcxxpggyhylphmpfhjgzwbyhx'
echo "seeding $N customers ..."
t0=$(date +%s)
sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL;
INSERT INTO stores (code, name, channel, created_at, updated_at)
  VALUES ('S1', 'Store 1', 'direct', 0, 0), ('S2', 'Store 2', 'direct', 0, 0);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO customers (name, name_initials, phone, phone_last4, member_code,
  home_store_id, bucket, created_at, updated_at)
SELECT substr('$SUR', i % 20 + 1, 1) || substr('$GIV', (i / 20) % 40 + 1, 1)
         || substr('$GIV', (i / 800) % 40 + 1, 1),
       substr('$SUR_I', i % 20 + 1, 1) || substr('$GIV_I', (i / 20) % 40 + 1, 1)
         || substr('$GIV_I', (i / 800) % 40 + 1, 1),
       '139' || printf('%08d', (i * 7919) % 100000000),
       substr(printf('%08d', (i * 7919) % 100000000), 5, 4),
       '8' || printf('%011d', i), 1 + (i / 3) % 2, i % 10000, 0, 0
FROM n;
INSERT INTO customer_stores (customer_id, store_id) SELECT id, home_store_id FROM customers;
COMMIT;
ANALYZE;
SQL
echo "seeded in $(($(date +%s) - t0)) s"

PORT=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
TERSA_ADMIN_PASSWORD=$PASSWORD "$TERSA" serve --db "$DB" --listen "127.0.0.1:$PORT" \
	--per-ip 100000 >"$TMP/serve.log" 2>&1 &
TERSA_PID=$!
for _ in $(seq 1 200); do
	curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
	sleep 0.1
done

N=$N REQS=$REQS PORT=$PORT PASSWORD=$PASSWORD OUT=$OUT node bench/customers/lookup.mjs
