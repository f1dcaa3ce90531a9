#!/usr/bin/env bash
# deps.sh: installs the Debian packages Tersa needs that are missing (one
# apt-get run), and the npm packages of web/ and tests/api/ (Ajv, which
# checks every API test answer against the OpenAPI document; smtp-server,
# which receives the outbox tests' email) when they are absent or stale.
# tzdata: business days are computed from its zone files (src/base/tz.c).
# sqlite3: the erasure test vacuums and reads a database file with it.
# chromium, fonts-noto-cjk: the browser tests drive Debian's Chromium headless
# (playwright-core), and Chinese screens need a CJK font.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev postgresql
	libsodium-dev libcmocka-dev libcurl4-openssl-dev libcsv-dev
	libxlsxwriter-dev libzip-dev libexpat1-dev pkg-config gcc make wrk curl tzdata sqlite3
	chromium fonts-noto-cjk)

# Prints the major version of the `node` on PATH, or 0 when there is none.
node_major() {
	local v
	v=$(node --version 2>/dev/null || true)
	v=${v#v}
	v=${v%%.*}
	if [[ $v =~ ^[0-9]+$ ]]; then echo "$v"; else echo 0; fi
}

# A node that is already there and new enough (>= 18) is kept, whoever
# installed it; otherwise Debian's nodejs. npm only when no npm command exists.
if (($(node_major) < 18)); then
	PKGS+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
	PKGS+=(npm)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: dpkg-query not found; this script needs Debian 12 or later" >&2
	echo "deps.sh: packages needed: ${PKGS[*]}" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == *" installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]]; then
		as_root=()
	elif command -v sudo >/dev/null 2>&1; then
		as_root=(sudo)
	else
		echo "deps.sh: missing packages: ${missing[*]}" >&2
		echo "deps.sh: install them as root with:" >&2
		echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
	if (($(node_major) < 18)); then
		echo "deps.sh: node $(node --version 2>/dev/null || echo '(none)') is too old; Tersa needs Node.js 18 or later" >&2
		exit 1
	fi
fi

# web/: npm ci when node_modules is missing or older than the lock file.
if [[ -f web/package.json ]]; then
	if [[ ! -f web/package-lock.json ]]; then
		echo "deps.sh: web/package-lock.json is missing (npm ci needs it)" >&2
		exit 1
	fi
	if [[ ! -d web/node_modules || web/package-lock.json -nt web/node_modules ]]; then
		echo "deps.sh: npm ci in web/"
		(cd web && npm ci --no-audit --no-fund --loglevel=error)
		mkdir -p web/node_modules && touch web/node_modules
	fi
fi

# tests/api/: the same, for the API tests' packages.
if [[ -f tests/api/package.json ]]; then
	if [[ ! -f tests/api/package-lock.json ]]; then
		echo "deps.sh: tests/api/package-lock.json is missing (npm ci needs it)" >&2
		exit 1
	fi
	if [[ ! -d tests/api/node_modules || tests/api/package-lock.json -nt tests/api/node_modules ]]; then
		echo "deps.sh: npm ci in tests/api/"
		(cd tests/api && npm ci --no-audit --no-fund --loglevel=error)
		mkdir -p tests/api/node_modules && touch tests/api/node_modules
	fi
fi
