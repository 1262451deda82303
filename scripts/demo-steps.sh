#!/usr/bin/env bash
# The demo's steps; scripts/demo.sh runs them inside `schemac sandbox`, which provides an empty
# PostgreSQL (PGHOST etc. and SCHEMAC_SANDBOX_DSN).
set -euo pipefail
schemac=${1:?usage: demo-steps.sh PATH_TO_SCHEMAC}
: "${SCHEMAC_SANDBOX_DSN:?run me inside: schemac sandbox -- bash scripts/demo-steps.sh PATH_TO_SCHEMAC}"
db="dbname=shop"  # PGHOST, PGPORT and PGUSER come from the sandbox
psql -X -q -c "CREATE DATABASE shop"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "load schemas/demo/v1 into the empty database: schemac plan --db \$DB schemas/demo/v1 | psql"
"$schemac" plan --db "$db" schemas/demo/v1 | psql -X -q -v ON_ERROR_STOP=1 -d shop

step "schemac plan --db \$DB schemas/demo/v2 --rollback-output rollback.sql"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$schemac" plan --db "$db" schemas/demo/v2 --rollback-output "$work/rollback.sql" | tee "$work/forward.sql"

step "rollback.sql"
cat "$work/rollback.sql"

step "apply the forward plan with psql, then plan again: nothing is left to do"
psql -X -q -v ON_ERROR_STOP=1 -d shop -f "$work/forward.sql"
"$schemac" plan --db "$db" schemas/demo/v2 --exit-code

step "apply the rollback with psql: the database is back at v1"
psql -X -q -v ON_ERROR_STOP=1 -d shop -f "$work/rollback.sql"
"$schemac" plan --db "$db" schemas/demo/v1 --exit-code
