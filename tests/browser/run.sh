#!/bin/sh
# tests/browser/run.sh SCRIPT — run one browser test (a node:test file) with
# Debian's Chromium and the locked playwright-core.  Exits 77 (a failure for ctest)
# when node, chromium or node_modules is missing: tools/setup installs them.
set -eu
command -v node >/dev/null 2>&1 || { echo "not run: node is not installed (run tools/setup)"; exit 77; }
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || { echo "not run: chromium is not installed (run tools/setup)"; exit 77; }
[ -f "$POSTURE_SOURCE_DIR/node_modules/playwright-core/package.json" ] ||
	{ echo "not run: playwright-core is not installed (run 'npm ci' in $POSTURE_SOURCE_DIR)"; exit 77; }
export CHROMIUM
exec node "$1"
