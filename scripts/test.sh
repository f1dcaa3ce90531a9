#!/usr/bin/env bash
# shellcheck disable=SC2030,SC2031 # suites in the background change their own copies; join_suite adds them up
# test.sh: runs every suite (unit tests plain and sanitized, API tests on
# SQLite with the sanitizer build and on PostgreSQL with the release build, the
# web UI's checks and browser tests) and ends with one summary line. Suites
# that leave a core idle run side by side (docs/testing.md): first every suite
# but the browser tests, four at a time, then the browser tests alone.
# `scripts/test.sh api` runs only the API suite on SQLite with build/tersa;
# `scripts/test.sh web` only the web UI's lint, type check, unit and browser tests.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

MODE=${1:-all}
case $MODE in
all | api | web) ;;
*)
	echo "usage: scripts/test.sh [api|web]" >&2
	exit 2
	;;
esac

# Safety nets only: a normal run takes a fraction of these.
UNIT_TIMEOUT=${TEST_UNIT_TIMEOUT:-600}
API_TIMEOUT=${TEST_API_TIMEOUT:-1200}
WEB_TIMEOUT=${TEST_WEB_TIMEOUT:-600}
E2E_TIMEOUT=${TEST_E2E_TIMEOUT:-1200}
# API test files run three at a time: each starts its own server on its own
# database and spends most of its time waiting on it, so two cores keep up.
API_JOBS=${TEST_API_JOBS:-3}
# Browser test files too, each with its own server and browser: three at a
# time keep both cores busy (see web_e2e).
E2E_JOBS=${TEST_E2E_JOBS:-3}
# Suites before the browser tests that run at once: alone each uses a core or
# less (a unit pass and a web check are one thread; an API file mostly waits
# on its server), four together keep both cores busy (docs/testing.md).
SUITE_JOBS=${TEST_SUITE_JOBS:-4}
# Passwords hashed at Argon2id's minimum cost in every suite (servers, CLI
# commands, unit tests): logins are most of what the suites would otherwise
# compute. test_session checks the real cost is the default.
export TERSA_PWHASH=${TERSA_PWHASH:-min}
SAN_ENV=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)

TOTAL_PASSED=0
TOTAL_FAILED=0
SUITE_T0=$SECONDS # when the suite being counted began
REPORT=() # one line per suite for the closing summary
NOTES=()  # why something counted as a failure

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tersa-test.XXXXXX")
PIDFILE=$WORK/runner.pid # the running command's process group (per suite)
RCFILE=$WORK/rc          # its exit status
declare -A BG_PID=()     # suites running in the background, by name
PG_DIR=""
PG_BIN=""
PG_PORT=""
PG_URL=""
AS_PG=()

stop_runner() {
	local f
	for f in "$WORK"/*.pid; do
		[[ -s $f ]] && kill -TERM -- "-$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	for f in "${BG_PID[@]}"; do
		kill -TERM "$f" 2>/dev/null
	done
}

stop_pg() {
	if [[ -n $PG_PORT ]]; then
		"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/d" -m immediate stop >/dev/null 2>&1
		PG_PORT=""
	fi
	if [[ -n $PG_DIR ]]; then
		rm -rf "$PG_DIR"
		PG_DIR=""
	fi
}

on_exit() {
	stop_runner
	stop_pg
	rm -rf "$WORK"
}
trap on_exit EXIT
trap 'echo "test.sh: interrupted" >&2; exit 130' INT
trap 'echo "test.sh: terminated" >&2; exit 143' TERM

free_port() {
	node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Starts a throwaway PostgreSQL on a free loopback port; sets PG_URL.
start_pg() {
	PG_BIN=$(pg_config --bindir 2>/dev/null || true)
	if [[ ! -x $PG_BIN/initdb ]]; then
		PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	fi
	if [[ ! -x $PG_BIN/initdb || ! -x $PG_BIN/pg_ctl ]]; then
		echo "test.sh: PostgreSQL server binaries (initdb) not found" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tersa-pg.XXXXXX")
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres: "$PG_DIR" || return 1
		AS_PG=(runuser -u postgres --)
	fi
	if ! "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/d" -A trust -U postgres \
		--no-sync -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1; then
		cat "$WORK/initdb.log" >&2
		return 1
	fi
	local _ port
	for _ in 1 2 3; do
		port=$(free_port) || return 1
		if "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/d" -l "$PG_DIR/log" -w -t 60 \
			-o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" \
			start >/dev/null 2>&1; then
			PG_PORT=$port
			PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
			return 0
		fi
	done
	cat "$PG_DIR/log" >&2
	return 1
}

pg_createdb() {
	"$PG_BIN/psql" "$PG_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" >/dev/null
}

# run_logged SECONDS LOG CMD...: runs CMD (in its own process group, killed
# on timeout or when this script is stopped) and shows its output while
# saving it to LOG. Sets RC.
run_logged() {
	local t=$1 log=$2
	shift 2
	(
		bash -c 'echo $$ >"$0"; exec timeout -k 10 "$@"' "$PIDFILE" "$t" "$@"
		echo $? >"$RCFILE"
	) 2>&1 </dev/null | tee "$log" &
	wait $!
	RC=$(cat "$RCFILE" 2>/dev/null || echo 1)
	rm -f "$PIDFILE" "$RCFILE"
	if [[ $RC == 124 || $RC == 137 ]]; then
		echo "test.sh: timed out after $t s: $*" | tee -a "$log"
	fi
}

# sum_matches LOG SED_EXPR: sums the numbers the expression prints, colour
# codes removed first (FORCE_COLOR in a CI environment wins over --color=false).
sum_matches() {
	sed -E 's/\x1b\[[0-9;]*m//g' "$1" | sed -n -E "$2" | awk '{ s += $1 } END { print s + 0 }'
}

# count SUITE PASSED FAILED: one summary line, with the seconds since the last.
count() {
	TOTAL_PASSED=$((TOTAL_PASSED + $2))
	TOTAL_FAILED=$((TOTAL_FAILED + $3))
	REPORT+=("$(printf '%-28s %5d passed %5d failed %6d s' "$1" "$2" "$3" $((SECONDS - SUITE_T0)))")
	SUITE_T0=$SECONDS
}

# start_suite NAME FUNC ARGS...: runs a suite function in the background,
# with its own runner files, output and counts; join_suite NAME waits for
# it, shows its output and adds its counts (its seconds are its own).
start_suite() {
	local name=$1
	shift
	(
		PIDFILE=$WORK/$name.pid
		RCFILE=$WORK/$name.rc
		REPORT=() NOTES=() TOTAL_PASSED=0 TOTAL_FAILED=0 SUITE_T0=$SECONDS
		"$@"
		{
			printf 'T\t%s\t%s\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
			if ((${#REPORT[@]})); then printf 'R\t%s\n' "${REPORT[@]}"; fi
			if ((${#NOTES[@]})); then printf 'N\t%s\n' "${NOTES[@]}"; fi
		} >"$WORK/$name.state"
	) >"$WORK/$name.out" 2>&1 </dev/null &
	BG_PID[$name]=$!
}

join_suite() {
	local name=$1 tag a b
	wait "${BG_PID[$name]}"
	unset "BG_PID[$name]"
	cat "$WORK/$name.out"
	if [[ ! -s $WORK/$name.state ]]; then
		NOTES+=("$name: the suite stopped before its summary")
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
		return
	fi
	while IFS=$'\t' read -r tag a b; do
		case $tag in
		T)
			TOTAL_PASSED=$((TOTAL_PASSED + a))
			TOTAL_FAILED=$((TOTAL_FAILED + b))
			;;
		R) REPORT+=("$a") ;;
		N) NOTES+=("$a") ;;
		esac
	done <"$WORK/$name.state"
	SUITE_T0=$SECONDS
}

# web_checks: lint, type check and Vitest, one after the other.
web_checks() {
	web_check "web lint" npm run --silent lint
	web_check "web typecheck" npm run --silent typecheck
	web_unit
}

# run_pool NAME...: runs the suites named (suite_NAME functions), SUITE_JOBS
# at a time in the order given, a new one as soon as one ends, then shows
# each one's output and adds its counts, in the same order.
run_pool() {
	local name running=0
	for name in "$@"; do
		while ((running >= SUITE_JOBS)); do
			wait -n
			running=$((running - 1))
		done
		start_suite "$name" "suite_$name"
		running=$((running + 1))
	done
	for name in "$@"; do
		join_suite "$name"
	done
}

suite_api_pg() { api_suite "api postgresql" build/tersa "TERSA_TEST_PG=$PG_URL"; }
# On SQLite the API tests run the sanitizer build only: the same tests, and
# every request also checked for memory errors and undefined behaviour. The
# release build is the one PostgreSQL and the browser tests run.
suite_api_asan() { api_suite "api sqlite asan" build/asan/tersa "${SAN_ENV[@]}"; }
suite_unit_asan() { unit_suite "unit asan" build/asan/tests "${SAN_ENV[@]}"; }
suite_unit() { unit_suite "unit" build/tests; }
suite_web_typecheck() { web_check "web typecheck" npm run --silent typecheck; }
suite_web_unit() { web_unit; }
suite_web_lint() { web_check "web lint" npm run --silent lint; }

# unit_suite LABEL DIR [ENV...]: the binary in DIR of every tests/unit/AREA/test_*.c.
unit_suite() {
	local label=$1 dir=$2
	shift 2
	local src name bin log p f passed=0 failed=0 n=0 env
	while IFS= read -r src; do
		name=$(basename "$src" .c)
		bin=$dir/${src#tests/unit/}
		bin=${bin%.c}
		n=$((n + 1))
		echo "=== $label: $name"
		if [[ ! -x $bin ]]; then
			NOTES+=("$bin: not built")
			failed=$((failed + 1))
			continue
		fi
		env=("$@")
		if [[ -n $PG_URL ]]; then
			local db="unit_${name#test_}_${label//[^a-z]/}"
			if pg_createdb "$db"; then
				env+=("TERSA_TEST_PG=$PG_URL"
					"TERSA_TEST_PG_URL=${PG_URL%/postgres}/$db")
			else
				NOTES+=("$bin: could not create PostgreSQL database $db")
				failed=$((failed + 1))
			fi
		fi
		log=$WORK/${label// /-}-$name.log # both unit passes run at once
		run_logged "$UNIT_TIMEOUT" "$log" env -u CMOCKA_MESSAGE_OUTPUT "${env[@]}" "$bin"
		p=$(sum_matches "$log" 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p')
		f=$(sum_matches "$log" 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p')
		if [[ $RC == 124 || $RC == 137 ]]; then
			NOTES+=("$bin: timed out after $UNIT_TIMEOUT s")
			f=$((f + 1))
		elif [[ $RC != 0 && $f == 0 ]]; then
			NOTES+=("$bin: exit status $RC without a failed test in its summary")
			f=1
		elif ((f > 0)); then
			NOTES+=("$bin: $f failed")
		fi
		passed=$((passed + p))
		failed=$((failed + f))
	done < <(find tests/unit -name 'test_*.c' | sort)
	((n > 0)) || NOTES+=("$label: no tests/unit/**/test_*.c")
	count "$label" "$passed" "$failed"
}

# api_suite LABEL BINARY [ENV...]: node --test over tests/api/AREA/*.test.mjs.
api_suite() {
	local label=$1 bin=$2
	shift 2
	local files log p f
	echo "=== $label"
	if [[ ! -x $bin ]]; then
		NOTES+=("$label: $bin not built")
		count "$label" 0 1
		return
	fi
	mapfile -t files < <(find tests/api -name '*.test.mjs' -not -path '*/lib/*' -not -path '*/node_modules/*' | sort)
	if ((${#files[@]} == 0)); then
		NOTES+=("$label: no tests/api/*.test.mjs")
		count "$label" 0 0
		return
	fi
	log=$WORK/${label// /-}.log
	run_logged "$API_TIMEOUT" "$log" env -u TERSA_TEST_PG "TERSA_BIN=$PWD/$bin" "$@" \
		node --test --test-concurrency="$API_JOBS" "${REPORTER[@]}" "${files[@]}"
	p=$(sum_matches "$log" 's/^# pass ([0-9]+)$/\1/p')
	f=$(sum_matches "$log" 's/^# (fail|cancelled) ([0-9]+)$/\2/p')
	if [[ $RC == 124 || $RC == 137 ]]; then
		NOTES+=("$label: timed out after $API_TIMEOUT s")
		f=$((f + 1))
	elif [[ $RC != 0 && $f == 0 ]]; then
		# A failing before/after hook fails its suite without failing a test.
		NOTES+=("$label: exit status $RC (a hook, a server stop or a file failed; see 'not ok' above)")
		f=1
	elif ((f > 0)); then
		NOTES+=("$label: $f failed or cancelled")
	fi
	count "$label" "$p" "$f"
}

# web_check LABEL CMD...: one check (lint, type check) that passes or fails whole.
web_check() {
	local label=$1
	shift
	echo "=== $label"
	run_logged "$WEB_TIMEOUT" "$WORK/${label// /-}.log" bash -c 'cd web && "$@"' _ "$@"
	if [[ $RC == 0 ]]; then
		count "$label" 1 0
	else
		NOTES+=("$label: exit status $RC (see above)")
		count "$label" 0 1
	fi
}

# web_unit: Vitest over web/tests/unit; counts from its "Tests  N passed" line.
web_unit() {
	local log=$WORK/vitest.log p f
	echo "=== web unit"
	run_logged "$WEB_TIMEOUT" "$log" env -u FORCE_COLOR NO_COLOR=1 \
		bash -c 'cd web && exec npx --no-install vitest run --color=false'
	p=$(sum_matches "$log" 's/^ *Tests +.*[^0-9]([0-9]+) passed.*/\1/p')
	f=$(sum_matches "$log" 's/^ *Tests +([0-9]+) failed.*/\1/p')
	if ((p + f == 0)); then
		NOTES+=("web unit: no test counted in Vitest's summary (exit status $RC)")
		f=1
	elif [[ $RC != 0 && $f == 0 ]]; then
		NOTES+=("web unit: exit status $RC without a failed test in its summary")
		f=1
	elif ((f > 0)); then
		NOTES+=("web unit: $f failed")
	fi
	count "web unit" "$p" "$f"
}

# web_e2e: the browser tests (playwright-core driving Debian's Chromium)
# against a real server on the small demo company; screenshots go to
# web/test-results/screens. It runs alone, after every other suite: Chromium
# keeps both cores busy (measured: side by side, lint, type check and Vitest
# took 10 minutes instead of 1.5, and the browser tests 2 minutes more).
web_e2e() {
	local log=$WORK/e2e.log files p f
	echo "=== web e2e"
	mapfile -t files < <(find web/tests/e2e -name '*.test.mjs' -not -path '*/lib/*' | sort)
	if ((${#files[@]} == 0)); then
		count "web e2e" 0 0
		return
	fi
	run_logged "$E2E_TIMEOUT" "$log" env "TERSA_BIN=$PWD/build/tersa" \
		node --test --test-concurrency="$E2E_JOBS" "${REPORTER[@]}" "${files[@]}"
	p=$(sum_matches "$log" 's/^# pass ([0-9]+)$/\1/p')
	f=$(sum_matches "$log" 's/^# (fail|cancelled) ([0-9]+)$/\2/p')
	if [[ $RC == 124 || $RC == 137 ]]; then
		NOTES+=("web e2e: timed out after $E2E_TIMEOUT s")
		f=$((f + 1))
	elif [[ $RC != 0 && $f == 0 ]]; then
		NOTES+=("web e2e: exit status $RC (a hook or a file failed; see 'not ok' above)")
		f=1
	elif ((f > 0)); then
		NOTES+=("web e2e: $f failed or cancelled")
	fi
	count "web e2e" "$p" "$f"
}

if ! command -v node >/dev/null 2>&1; then
	echo "test.sh: node not found (run scripts/deps.sh)" >&2
	echo "tests: 0 passed, 1 failed"
	exit 1
fi

# TAP ("# pass N") is the default of older nodes and of newer ones when not
# on a terminal; ask for it by name where the option exists.
REPORTER=()
if [[ $(node -p 'process.allowedNodeEnvironmentFlags.has("--test-reporter")') == true ]]; then
	REPORTER=(--test-reporter=tap)
fi

if [[ $MODE == api ]]; then
	api_suite "api sqlite" build/tersa
elif [[ $MODE == web ]]; then
	web_checks
	web_e2e
else
	if ! start_pg; then
		NOTES+=("PostgreSQL: could not start the throwaway server; PostgreSQL passes skipped")
		count "postgresql start" 0 1
	fi
	# Longest first, so the short ones fill in at the end.
	suites=()
	if [[ -n $PG_URL ]]; then suites+=(api_pg); fi
	suites+=(api_asan unit_asan unit)
	if [[ -f web/package.json ]]; then suites+=(web_typecheck web_unit web_lint); fi
	run_pool "${suites[@]}"
	stop_pg
	# The browser tests alone: three Chromiums keep both cores busy (see web_e2e).
	if [[ -f web/package.json ]]; then
		web_e2e
	fi
fi

echo
echo "=== summary"
printf '%s\n' "${REPORT[@]}"
printf 'all suites: %d s\n' "$SECONDS"
if ((${#NOTES[@]})); then
	printf '  %s\n' "${NOTES[@]}"
fi
echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
((TOTAL_FAILED == 0))
