#!/usr/bin/env bash
# pos.sh: scan-to-line on the browser till (bench/pos/scan.mjs), online and
# offline, against a server on the small demo. Needs build/tersa and web/dist
# (make builds both). BENCH_SCANS sets the number of scans per mode.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build/tersa web/dist/index.html >/dev/null
exec node bench/pos/scan.mjs
