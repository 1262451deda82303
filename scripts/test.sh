#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test against a
# throwaway PostgreSQL cluster that exists only for this run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build-test Debug -DSCHEMAC_BUILD_TESTS=ON
jobs=$(nproc 2>/dev/null || echo 2)
build-test/tests/support/schemac-testdb -- \
  ctest --test-dir build-test --output-on-failure --no-tests=error -j "$jobs" "$@"
