#!/usr/bin/env bash
# Optional (not part of CI): runs schemac through an external conformance corpus and its judge,
# on a throwaway cluster. Usage: scripts/conformance.sh CORPUS_DIR [OUT_DIR] [extra judge args...]
# CORPUS_DIR holds judge.py and cases/ (see its README). Results: OUT_DIR/summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: scripts/conformance.sh CORPUS_DIR [OUT_DIR] [judge args...]}
out=${2:-/tmp/schemac-conformance}
shift $(( $# > 2 ? 2 : $# ))
schemac=$(pwd)/build-test/cli/schemac
[ -x "$schemac" ] || bash scripts/build.sh build-test Debug
# The source is the judge's live database, the target its desired SQL file.
# The throwaway cluster's maintenance database is empty: use it as the scratch database for
# expression canonicalization instead of starting an embedded cluster per invocation.
default_cmd="$schemac diff --dev-db dbname=postgres {from_dsn} {to_sql}"
plan_cmd=${SCHEMAC_CONFORMANCE_CMD:-$default_cmd}
build-test/tests/support/schemac-testdb -- \
  python3 "$corpus/judge.py" --plan-cmd "$plan_cmd" --rollback-cmd "$plan_cmd" --jobs 2 --out "$out" "$@"
