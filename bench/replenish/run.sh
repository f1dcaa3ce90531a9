#!/usr/bin/env bash
# run.sh: the 90-day replenishment backtest (`tersa replenish-backtest`):
# today's min/max against reorder points from the forecast, fill rate and
# average stock per policy, on the small demo company (made in a temporary
# directory) and, with FULL=1, on the full one (about 60 s to make, 1.7 GB).
# DAYS=90, LEVEL=0.95, METHOD=auto (the forecast method refitted every 7 days;
# on the full demo METHOD=sba: auto takes longer than 15 minutes there).
set -euo pipefail
cd "$(dirname "$0")/../.."

TERSA=${TERSA_BIN:-build/tersa}
DAYS=${DAYS:-90}
LEVEL=${LEVEL:-0.95}
METHOD=${METHOD:-auto}
[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-replenish.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

scales=(small)
[[ ${FULL:-0} == 1 ]] && scales+=(full)
for scale in "${scales[@]}"; do
	echo "== replenishment backtest, demo $scale (seed 1), $DAYS days, service level $LEVEL, forecast $METHOD"
	"$TERSA" demo --db "$TMP/$scale.db" --scale "$scale" --seed 1 >/dev/null 2>&1
	"$TERSA" replenish-backtest --db "$TMP/$scale.db" --days "$DAYS" \
		--service-level "$LEVEL" --method "$METHOD"
	rm -f "$TMP/$scale.db"*
	echo
done
