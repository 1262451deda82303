#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the demo on schemac's
# embedded throwaway PostgreSQL: load schemas/demo/v1, then plan the migration to
# schemas/demo/v2 with its rollback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build Release -DSCHEMAC_BUILD_TESTS=OFF
exec build/cli/schemac sandbox -- bash scripts/demo-steps.sh build/cli/schemac
