#!/usr/bin/env bash
# run.sh: `tersa forecast` against R's forecast package on the yearly,
# quarterly and monthly series of R's datasets and forecast packages: MASE on
# the held-out tail and time per series; prints a table and the four goals.
# R is needed here only (installed when missing); the series are written
# from R to a temporary folder at each run, never kept.
set -euo pipefail
cd "$(dirname "$0")/../.."

TERSA=${TERSA_BIN:-build/tersa}
[[ -x $TERSA ]] || {
	echo "bench/forecast: $TERSA not built (make build/tersa)" >&2
	exit 1
}
if ! Rscript -e 'suppressMessages(library(forecast))' >/dev/null 2>&1; then
	echo "bench/forecast: installing r-cran-forecast" >&2
	if [[ $(id -u) -eq 0 ]]; then apt-get install -y r-cran-forecast >/dev/null; else sudo apt-get install -y r-cran-forecast >/dev/null; fi
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tersa-forecast-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

echo "forecast bench: R's forecasts (snaive, ets(), auto.arima()) ..." >&2
Rscript bench/forecast/bench.R prepare "$dir"

echo "forecast bench: ours (snaive, ets, auto) ..." >&2
: >"$dir/ours.tsv"
for meta in "$dir"/*.meta; do
	name=$(basename "$meta" .meta)
	read -r period horizon <"$meta"
	for method in naive snaive ets auto; do
		# CPU time (user + system) of the process, best of 3 runs
		best=
		for _ in 1 2 3; do
			t=$({ TIMEFORMAT='%3U %3S'; time "$TERSA" forecast --period "$period" \
				--horizon "$horizon" --model "$method" <"$dir/$name.train" \
				>"$dir/$name.$method.json"; } 2>&1 | awk '{printf "%.3f", $1 + $2}')
			if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
		done
		printf '%s\t%s\t%s\n' "$name" "$method" "$best" >>"$dir/ours.tsv"
	done
done

echo "## forecast: MASE on the held-out values (6 yearly, 8 quarterly, 18 monthly)"
Rscript bench/forecast/bench.R report "$dir"
