#!/usr/bin/env python3
"""Times `schemac lint` on a typical hand-written migration, from process start to exit.

A migration of tens of statements (columns, indexes, constraints, a backfill, renames, drops) is
written to a temporary directory; `schemac lint` runs on it --repeat times and the median and the
worst wall time are printed. No database is involved: that is the point of the measurement (a
pre-commit hook runs it on every commit). Standard library only.

    python3 bench/lint_bench.py --schemac build-bench/cli/schemac [--statements 40] [--repeat 50]
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

SHAPES = [
    "ALTER TABLE app.t{i} ADD COLUMN note_{i} text;",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS t{i}_note_idx ON app.t{i} (note_{i});",
    "ALTER TABLE app.t{i} ADD CONSTRAINT t{i}_note_check CHECK (length(note_{i}) < 200) NOT VALID;",
    "ALTER TABLE app.t{i} VALIDATE CONSTRAINT t{i}_note_check;",
    "ALTER TABLE app.t{i} ALTER COLUMN name TYPE varchar(200);",
    "UPDATE app.t{i} SET note_{i} = '' WHERE note_{i} IS NULL;",
    "ALTER TABLE app.t{i} ADD CONSTRAINT t{i}_owner_fk FOREIGN KEY (owner_id) REFERENCES app.users (id) NOT VALID;",
    "ALTER TABLE app.t{i} RENAME COLUMN old_{i} TO new_{i};",
]


def migration(statements: int) -> str:
    lines = ["SET lock_timeout = '2s';", "SET statement_timeout = '5min';"]
    for i in range(statements):
        lines.append(f"-- step {i}")
        lines.append(SHAPES[i % len(SHAPES)].format(i=i // len(SHAPES)))
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemac", default="build-bench/cli/schemac")
    ap.add_argument("--statements", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "0042_migration.sql")
        with open(path, "w") as f:
            f.write(migration(args.statements))
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = subprocess.run([args.schemac, "lint", path], capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if r.returncode not in (0, 1):
                raise SystemExit(f"schemac lint failed ({r.returncode}): {r.stderr}")
        findings = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        print(f"schemac lint, {args.statements} statements, {args.repeat} runs: median "
              f"{statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms ({findings})")


if __name__ == "__main__":
    main()
