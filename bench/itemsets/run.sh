#!/usr/bin/env bash
# run.sh: `tersa itemsets` against Weka's Apriori (Debian weka 3.6) on Weka's
# supermarket.arff at several minimum supports: checks that both list exactly
# the same itemsets with the same counts, and times both.
# Weka is timed inside its JVM (AprioriTime.java: buildAssociations only, JVM
# start and ARFF load excluded; first run cold, then best of the warm runs);
# its plain command line (JVM start and load included) is timed beside it.
# Ours is the whole `tersa itemsets` process: start, read, mine, write.
# SUPPORTS="0.2 0.15 0.1" and REPS=5 (our runs; Weka runs 3 in its JVM).
set -euo pipefail
cd "$(dirname "$0")/../.."

TERSA=${TERSA_BIN:-build/tersa}
SUPPORTS=${SUPPORTS:-0.25 0.2 0.15 0.1}
REPS=${REPS:-5}
WEKA_REPS=${WEKA_REPS:-3}
WEKA_JAR=/usr/share/java/weka.jar
ARFF=/usr/share/doc/weka/examples/supermarket.arff

[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }
if [[ ! -f $WEKA_JAR ]]; then
	echo "bench: installing Debian's weka (the product does not need it)"
	apt-get install -y weka >/dev/null
fi
for c in java javac python3; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench: $c not found" >&2; exit 1; }
done
[[ -f $ARFF ]] || { echo "bench: $ARFF missing from the weka package" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-itemsets.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
javac -nowarn -cp "$WEKA_JAR" -d "$TMP" bench/itemsets/AprioriTime.java
python3 bench/itemsets/arff.py tx "$ARFF" >"$TMP/baskets.txt"
N=$(wc -l <"$TMP/baskets.txt")

now_ms() { date +%s%3N; }

echo "supermarket.arff: $N transactions, $(grep -ci '^@attribute' "$ARFF") attributes"
printf '| min support | min count | itemsets | identical | Weka cold | Weka warm | Weka CLI (JVM+load) | ours best | ours median | Weka warm / ours | Weka CLI / ours |\n'
printf '| ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
fail=0
for s in $SUPPORTS; do
	java -cp "$WEKA_JAR:$TMP" AprioriTime "$ARFF" "$s" "$WEKA_REPS" \
		>"$TMP/weka.txt" 2>"$TMP/weka.err"
	cold=$(sed -n 's/.*weka_first_ms=\([0-9.]*\).*/\1/p' "$TMP/weka.err")
	warm=$(sed -n 's/.*weka_best_ms=\([0-9.]*\).*/\1/p' "$TMP/weka.err")
	mincount=$(sed -n 's/^Minimum support: .* (\([0-9]*\) instances)/\1/p' "$TMP/weka.txt")
	python3 bench/itemsets/arff.py weka "$TMP/weka.txt" | LC_ALL=C sort >"$TMP/weka.sets"

	t0=$(now_ms)
	java -cp "$WEKA_JAR" weka.associations.Apriori -t "$ARFF" \
		-N 100000000 -T 0 -C 1.1 -D 1.0 -U 1.0 -M "$s" -I >/dev/null
	cli=$(($(now_ms) - t0))

	times=()
	for ((i = 0; i < REPS; i++)); do
		t0=$(now_ms)
		"$TERSA" itemsets --min-support "$s" <"$TMP/baskets.txt" >"$TMP/ours.txt"
		times+=($(($(now_ms) - t0)))
	done
	LC_ALL=C sort "$TMP/ours.txt" >"$TMP/ours.sets"
	mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
	best=${sorted[0]}
	median=${sorted[$((REPS / 2))]}
	if cmp -s "$TMP/weka.sets" "$TMP/ours.sets"; then
		same=yes
	else
		same=NO
		fail=1
		diff "$TMP/weka.sets" "$TMP/ours.sets" | head -20 >&2
	fi
	ratio=$(awk -v w="$warm" -v o="$best" 'BEGIN { printf "%.0f×", w / (o > 0 ? o : 1) }')
	cratio=$(awk -v w="$cli" -v o="$best" 'BEGIN { printf "%.0f×", w / (o > 0 ? o : 1) }')
	printf '| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s | %s |\n' \
		"$s" "$mincount" "$(wc -l <"$TMP/ours.sets")" "$same" "$cold" "$warm" "$cli" \
		"$best" "$median" "$ratio" "$cratio"
done
exit $fail
