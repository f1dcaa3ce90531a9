#!/usr/bin/env bash
# run.sh: `tersa itemsets` against Weka's Apriori (Debian weka 3.6) on Weka's
# supermarket.arff at several minimum supports: checks that both list exactly
# the same itemsets with the same counts, and times both.
# Weka is timed inside its JVM (AprioriTime.java: buildAssociations only, JVM
# start and ARFF load excluded; the best of WEKA_REPS runs, the first one
# cold): wall time, and the CPU time of the mining thread (JIT and GC threads
# not counted). Its plain command line (JVM start and load included) is timed
# beside it. Ours is the whole `tersa itemsets` process (start, read, mine,
# write), best of REPS: wall time, and user + system CPU time. The start
# alone (the same command on empty input) is printed first. CPU times keep
# their meaning on a loaded machine, where wall times of short runs do not.
# SUPPORTS="0.25 0.2 0.15 0.1", REPS=7, WEKA_REPS=3.
set -euo pipefail
cd "$(dirname "$0")/../.."

TERSA=${TERSA_BIN:-build/tersa}
SUPPORTS=${SUPPORTS:-0.25 0.2 0.15 0.1}
REPS=${REPS:-7}
WEKA_REPS=${WEKA_REPS:-3}
WEKA_JAR=/usr/share/java/weka.jar
ARFF=/usr/share/doc/weka/examples/supermarket.arff

[[ -x $TERSA ]] || { echo "bench: $TERSA not built (make build/tersa)" >&2; exit 1; }
if [[ ! -f $WEKA_JAR ]]; then
	echo "bench: installing Debian's weka (the product does not need it)"
	apt-get install -y weka >/dev/null
fi
for c in java javac node; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench: $c not found" >&2; exit 1; }
done
[[ -f $ARFF ]] || { echo "bench: $ARFF missing from the weka package" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tersa-bench-itemsets.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
javac -nowarn -cp "$WEKA_JAR" -d "$TMP" bench/itemsets/AprioriTime.java
node bench/itemsets/arff.mjs tx "$ARFF" >"$TMP/baskets.txt"
N=$(wc -l <"$TMP/baskets.txt")

# Runs "$@" REPS times (stdin $1, stdout $2, then the command); sets wall
# and cpu to the best of each, in ms.
best_of() {
	local in=$1 out=$2 i w c
	shift 2
	wall=999999 cpu=999999
	for ((i = 0; i < REPS; i++)); do
		read -r w c < <({ TIMEFORMAT='%3R %3U %3S'; time "$@" <"$in" >"$out"; } 2>&1 |
			awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }')
		wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
		cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN { print (b < a ? b : a) }')
	done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f×", a / (b > 0.1 ? b : 0.1) }'; }

echo "supermarket.arff: $N transactions, $(grep -ci '^@attribute' "$ARFF") attributes"
best_of /dev/null /dev/null "$TERSA" itemsets --min-support 0.1
echo "ours, start alone (empty input), best of $REPS: $wall ms wall, $cpu ms CPU"
echo
printf '| min support | min count | itemsets | identical | Weka warm wall | Weka warm CPU | Weka CLI (JVM+load) | ours wall | ours CPU | wall: Weka warm / ours | CPU: Weka / ours | Weka CLI / ours wall |\n'
printf '| ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
fail=0
for s in $SUPPORTS; do
	java -cp "$WEKA_JAR:$TMP" AprioriTime "$ARFF" "$s" "$WEKA_REPS" \
		>"$TMP/weka.txt" 2>"$TMP/weka.err"
	wwall=$(sed -n 's/.*weka_best_ms=\([0-9.]*\).*/\1/p' "$TMP/weka.err")
	wcpu=$(sed -n 's/.*weka_cpu_ms=\([0-9.]*\).*/\1/p' "$TMP/weka.err")
	mincount=$(sed -n 's/^Minimum support: .* (\([0-9]*\) instances)/\1/p' "$TMP/weka.txt")
	node bench/itemsets/arff.mjs weka "$TMP/weka.txt" | LC_ALL=C sort >"$TMP/weka.sets"

	t0=$(date +%s%3N)
	java -cp "$WEKA_JAR" weka.associations.Apriori -t "$ARFF" \
		-N 100000000 -T 0 -C 1.1 -D 1.0 -U 1.0 -M "$s" -I >/dev/null
	cli=$(($(date +%s%3N) - t0))

	best_of "$TMP/baskets.txt" "$TMP/ours.txt" "$TERSA" itemsets --min-support "$s"
	LC_ALL=C sort "$TMP/ours.txt" >"$TMP/ours.sets"
	if cmp -s "$TMP/weka.sets" "$TMP/ours.sets"; then
		same=yes
	else
		same=NO
		fail=1
		diff "$TMP/weka.sets" "$TMP/ours.sets" | head -20 >&2
	fi
	printf '| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s | %s | %s |\n' \
		"$s" "$mincount" "$(wc -l <"$TMP/ours.sets")" "$same" "$wwall" "$wcpu" "$cli" \
		"$wall" "$cpu" "$(ratio "$wwall" "$wall")" "$(ratio "$wcpu" "$cpu")" \
		"$(ratio "$cli" "$wall")"
done
exit $fail
