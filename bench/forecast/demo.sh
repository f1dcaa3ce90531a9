#!/usr/bin/env bash
# demo.sh: every series of the full demo company forecast by the nightly
# job (`tersa job run forecast`), against the goal of issue 13: all product ×
# store daily series in under 60 seconds on 2 cores. Makes the full demo in
# a temporary folder (about a minute and a half; removed at the end) unless
# TERSA_BENCH_DB names one to reuse (its stored forecasts are replaced).
# Prints the series counts, the wall and CPU time, the split (reading,
# computing, writing) and the mix of models chosen.
set -euo pipefail
cd "$(dirname "$0")/../.."

TERSA=${TERSA_BIN:-build/tersa}
[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }
command -v sqlite3 >/dev/null 2>&1 || { echo "bench: sqlite3 not found" >&2; exit 1; }

DB=${TERSA_BENCH_DB:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-forecast.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [[ -z $DB ]]; then
	DB=$TMP/demo.db
	echo "forecast bench: making the full demo company in $DB (about a minute and a half)..."
	"$TERSA" demo --db "$DB" --scale full >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
fi

echo "forecast bench: tersa job run forecast --db $DB"
start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$TERSA" job run forecast --db "$DB" >"$TMP/job.out" 2>"$TMP/job.log" \
	|| { cat "$TMP/job.log" >&2; exit 1; }
end=$(date +%s.%N)
line=$(grep -o 'forecast: [0-9]* daily.*' "$TMP/job.log" | tail -1)
read -r user sys <"$TMP/cpu"
daily=$(sed -E 's/forecast: ([0-9]+) daily.*/\1/' <<<"$line")
daily_s=$(sed -E 's/.*series in ([0-9.]+) s, then.*/\1/' <<<"$line")

if [[ $DB == postgres* ]]; then
	q() { psql "$DB" -X -q -A -t -c "$1"; }
else
	q() { sqlite3 -cmd '.timeout 10000' "$DB" "$1"; }
fi
echo
echo "$line"
printf 'wall %.1f s for the whole job; CPU %.1f s user + %.1f s system; load average %s\n' \
	"$(bc <<<"$end - $start")" "$user" "$sys" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "stored daily product x store series: $(q "SELECT COUNT(*) FROM forecast_series WHERE grain = 'day' AND product_id > 0")"
echo "models chosen for them:"
q "SELECT CASE WHEN model LIKE 'mean of%' THEN 'combination' ELSE model END AS m, COUNT(*)
   FROM forecast_series WHERE grain = 'day' AND product_id > 0 GROUP BY m ORDER BY COUNT(*) DESC" |
	sed 's/^/  /; s/|/: /'
if (( $(bc <<<"$daily_s < 60") )); then
	echo "goal (all $daily daily series in under 60 s on 2 cores): PASS, $daily_s s"
else
	echo "goal (all $daily daily series in under 60 s on 2 cores): FAIL, $daily_s s"
fi
