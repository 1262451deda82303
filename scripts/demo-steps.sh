#!/usr/bin/env bash
# The demo's steps; scripts/demo.sh runs them inside `schemac sandbox`, which provides an empty
# PostgreSQL (PGHOST etc. and SCHEMAC_SANDBOX_DSN).
set -euo pipefail
schemac=${1:?usage: demo-steps.sh PATH_TO_SCHEMAC}
: "${SCHEMAC_SANDBOX_DSN:?run me inside: schemac sandbox -- bash scripts/demo-steps.sh PATH_TO_SCHEMAC}"
db="dbname=shop"  # PGHOST, PGPORT and PGUSER come from the sandbox
psql -X -q -c "CREATE DATABASE shop"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "load schemas/demo/v1 into the empty database: schemac apply --db \$DB schemas/demo/v1"
"$schemac" apply --db "$db" schemas/demo/v1

step "schemac plan --db \$DB schemas/demo/v2 --rollback-output rollback.sql"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$schemac" plan --db "$db" schemas/demo/v2 --rollback-output "$work/rollback.sql"

step "rollback.sql"
cat "$work/rollback.sql"

step "schemac apply --db \$DB schemas/demo/v2: refused, the plan destroys data (exit 1, nothing run)"
if "$schemac" apply --db "$db" schemas/demo/v2; then exit 1; fi

step "schemac apply --db \$DB schemas/demo/v2 --allow safe,locks,breaking,data-loss --backup DIR: locked, time-bounded, verified, recorded"
"$schemac" apply --db "$db" schemas/demo/v2 --allow safe,locks,breaking,data-loss --backup "$work/backup" \
  --summary "$work/summary.md"
cat "$work/summary.md"
"$schemac" plan --db "$db" schemas/demo/v2 --exit-code > /dev/null && echo "schemac plan: no changes"

step "schemac history --db \$DB"
"$schemac" history --db "$db"

step "schemac rollback --db \$DB: the recorded rollback, with the same safeguards; the database is back at v1"
"$schemac" rollback --db "$db" --allow safe,locks,breaking,data-loss
"$schemac" plan --db "$db" schemas/demo/v1 --exit-code > /dev/null && echo "schemac plan: no changes"
