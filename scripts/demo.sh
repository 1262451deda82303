#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build Release -DSCHEMAC_BUILD_TESTS=OFF
rollback=$(mktemp)
trap 'rm -f "$rollback"' EXIT
echo "== schemac diff schemas/demo/v1 schemas/demo/v2 --rollback-output ROLLBACK" >&2
build/cli/schemac diff schemas/demo/v1 schemas/demo/v2 --rollback-output "$rollback"
echo >&2
echo "== the rollback script (ROLLBACK)" >&2
cat "$rollback"
