#!/usr/bin/env bash
# check-layers.sh: the layers' one rule, checked. A file may include only its
# own layer and those below it (base < db < domain < analytics < jobs < http <
# cli), libmicrohttpd only in http, and src/http holds no SQL.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

rank() {
	case $1 in
	base) echo 0 ;; db) echo 1 ;; domain) echo 2 ;; analytics) echo 3 ;;
	jobs) echo 4 ;; http) echo 5 ;; cli) echo 6 ;; *) echo -1 ;;
	esac
}

bad=0
while IFS= read -r f; do
	layer=${f#src/}
	layer=${layer%%/*}
	own=$(rank "$layer")
	if ((own < 0)); then
		echo "$f: not in a known layer (src/base, db, domain, analytics, jobs, http, cli)"
		bad=1
		continue
	fi
	while IFS=: read -r line inc; do
		[[ -n $inc ]] || continue
		dep=${inc%%/*}
		r=$(rank "$dep")
		if ((r > own)); then
			echo "$f:$line: $layer includes $inc from the $dep layer above it"
			bad=1
		fi
	done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z_]+/' "$f" |
		sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1:\2/')
	if [[ $layer != http && $layer != cli ]] && grep -q -E '#[[:space:]]*include[[:space:]]+<microhttpd\.h>' "$f"; then
		echo "$f: libmicrohttpd outside src/http"
		bad=1
	fi
done < <(find src -name '*.[ch]' | sort)

# SQL sits beside the domain function that runs it, never in a handler.
sql=$(grep -rn -E '"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|CREATE)[[:space:]]' src/http || true)
if [[ -n $sql ]]; then
	echo "SQL in src/http (it belongs in src/domain):"
	echo "$sql"
	bad=1
fi

if ((bad)); then
	echo "check-layers: failed"
	exit 1
fi
echo "check-layers: ok"
