#!/usr/bin/env python3
"""schemac benchmark driver (bench/README.md). Python 3 standard library only.

Builds a Release schemac (and bench/raw_parse), generates version 1 and 2 of a schema for each
size with gen_schema.py, starts a throwaway PostgreSQL with `schemac sandbox`, loads version 1
into a database and measures, each REPEAT times (the median is reported):

  plan        schemac plan --db v1 --dev-db <empty scratch db> v2-files   (end to end)
  plan phases the same with --timings (wall time of each phase, from schemac's stderr)
  plan-embed  schemac plan without --dev-db: the embedded scratch cluster is started (once)
  diff        schemac diff --offline v1-files v2-files                     (end to end)
  diff phases the same with --timings
  pg_dump     pg_dump --schema-only of the v1 database
  raw parse   libpg_query alone over the v2 files, 1 thread and one per core

Peak memory is the child's ru_maxrss (os.wait4). It also checks correctness: plan(v1 db, v1
files) is empty, and applying the v1 -> v2 plan to a copy of the database, then planning v2,
is empty (likewise the rollback back to v1). Not a test; never run by CI.

Usage: python3 bench/run_bench.py [--sizes 1000,5000] [--repeat 3] [--seed 7]
                                  [--build-dir build-bench] [--no-build] [--work DIR] [--out FILE]
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


LAST_CPU = [0.0]  # user + system CPU seconds of the last run()


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def run(cmd, check=True, env=None, stdout=subprocess.DEVNULL, stdin=None):
    """Runs `cmd`; returns (wall seconds, peak RSS in MB of the child, exit code, stderr text).
    Its CPU time (user + system, the child and what it waited for) is left in LAST_CPU[0]."""
    # GNU time reports the child's own peak RSS; the rusage of a child forked from Python would
    # also count the Python image it was forked from (ru_maxrss survives exec).
    rss_file = None
    if GNU_TIME:
        rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "schemac-bench-rss-%d" % os.getpid())
        cmd = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file] + list(cmd)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, stdin=stdin)
    # Read stderr before waiting (it may be large), then reap with wait4 for the rusage.
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024.0
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    if rss_file:
        try:
            with open(rss_file) as f:
                lines = f.read().split()
            peak = int(lines[-1]) / 1024.0
            os.unlink(rss_file)
        except (OSError, ValueError, IndexError):
            pass
    if check and proc.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), err))
    return wall, peak, proc.returncode, err


TIMING = re.compile(r"^schemac: timing: (.+?): (-?[0-9.]+) (s|MB)$")


def parse_timings(stderr):
    out = {}
    for line in stderr.splitlines():
        m = TIMING.match(line)
        if m:
            out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(2))
    return out


def median_of(samples):
    return statistics.median(samples) if samples else None


def measure(name, cmd, repeat, env=None):
    walls, rss, phases, cpus, loads = [], [], [], [], []
    for _ in range(repeat):
        loads.append(loadavg())
        wall, peak, code, err = run(cmd, env=env, check=False)
        cpus.append(LAST_CPU[0])
        if code != 0:
            first = next((l for l in err.splitlines() if "error" in l), err.strip()[:300])
            log("  %-34s FAILED (exit %d): %s" % (name, code, first[:300]))
            return {"name": name, "cmd": cmd, "failed": True, "exit": code, "error": first}
        walls.append(wall)
        rss.append(peak)
        phases.append(parse_timings(err))
    result = {"name": name, "cmd": cmd, "wall": walls, "wall_median": median_of(walls), "rss_mb": rss,
              "rss_mb_max": max(rss), "cpu": cpus, "cpu_median": median_of(cpus), "loadavg_before": loads}
    if any(phases):
        keys = list(phases[0].keys())
        result["phases_median"] = {k: median_of([p.get(k, 0.0) for p in phases]) for k in keys}
    log("  %-34s %8.3f s  (runs %s)  cpu %7.3f s  peak %6.1f MB  load %s" %
        (name, result["wall_median"], ", ".join("%.3f" % w for w in walls), result["cpu_median"],
         result["rss_mb_max"], "/".join("%.1f" % l for l in loads if l is not None)))
    return result


def psql(env, db, *args, stdin=None):
    return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, *args], env=env, stdin=stdin)


def sql_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".sql"))


def dsn(db):
    return os.environ["SCHEMAC_SANDBOX_DSN"] + " dbname=" + db


def machine():
    info = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        with open("/proc/loadavg") as f:
            info["loadavg_at_start"] = f.read().split()[:3]
    except OSError:
        pass
    return info


def start_scratch_cluster(work, max_locks):
    """A second throwaway cluster for --dev-db with a larger lock table (schemac's scratch
    transaction takes a lock per object it creates). Stopped by an atexit handler."""
    import atexit
    import tempfile
    bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
    if not bindir or not os.path.exists(os.path.join(bindir, "initdb")):
        bindir = sorted(d for d in (os.path.join("/usr/lib/postgresql", v, "bin")
                                    for v in os.listdir("/usr/lib/postgresql")) if os.path.isdir(d))[-1]
    root = tempfile.mkdtemp(prefix="schemac-bench-scratch-", dir=work)
    as_postgres = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    user = os.environ.get("PGUSER", "root")
    data = os.path.join(root, "data")
    subprocess.run(as_postgres + [os.path.join(bindir, "initdb"), "-D", data, "-U", user, "--auth-local=trust",
                                  "--auth-host=reject", "-E", "UTF8", "--no-locale"], check=True,
                   stdout=subprocess.DEVNULL)
    opts = ("-k %s -p 5998 -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off "
            "-c max_locks_per_transaction=%d" % (root, max_locks))
    subprocess.run(as_postgres + [os.path.join(bindir, "pg_ctl"), "-D", data, "-l", os.path.join(root, "pg.log"), "-w",
                                  "-o", opts, "start"], check=True, stdout=subprocess.DEVNULL)
    atexit.register(lambda: subprocess.run(as_postgres + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m",
                                                          "immediate", "-w", "stop"], stdout=subprocess.DEVNULL))
    log("scratch cluster with max_locks_per_transaction = %d at %s" % (max_locks, root))
    return "host=%s port=5998 user=%s dbname=postgres" % (root, user)


def check_empty_plan(schemac, env, db, files, scratch_dsn, what, work):
    out = os.path.join(work, "check.sql")
    _, _, code, err = run([schemac, "plan", "--db", dsn(db), "--dev-db", scratch_dsn, "--exit-code", "-o", out,
                           files], check=False, env=env)
    ok = code == 0
    log("  check: %-56s %s" % (what, "ok" if ok else "FAILED (exit %d)" % code))
    if not ok:
        errors = [l for l in err.splitlines() if "error" in l]
        if errors:
            log("\n".join(errors[:5]))
        if code == 1:
            shutil.copy(out, os.path.join(work, "check-failed-%s.sql" % db))
            log("    the unexpected plan is in %s" % os.path.join(work, "check-failed-%s.sql" % db))
    return ok


def correctness(schemac, env, work, n, db, v1, v2, scratch_dsn):
    copy = db + "_apply"
    psql(env, "postgres", "-c", "CREATE DATABASE %s TEMPLATE %s" % (copy, db))
    ok = check_empty_plan(schemac, env, db, v1, scratch_dsn, "plan(v1 db, v1 files) is empty", work)
    fwd = os.path.join(work, "forward-%d.sql" % n)
    back = os.path.join(work, "rollback-%d.sql" % n)
    _, _, code, err = run([schemac, "plan", "--db", dsn(copy), "--dev-db", scratch_dsn, "-o", fwd,
                           "--rollback-output", back, v2], env=env, check=False)
    steps = [("forward plan v1 -> v2 applies", fwd, v2, "after the forward plan, plan(db, v2 files) is empty"),
             ("rollback v2 -> v1 applies", back, v1, "after the rollback, plan(db, v1 files) is empty")]
    if code != 0:
        log("  check: %-56s FAILED (exit %d)" % ("plan v1 db -> v2 files", code))
        ok, steps = False, []
    for what, script, files, after in steps:
        _, _, code, err = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", copy, "-f", script], env=env,
                              check=False)
        log("  check: %-56s %s" % (what, "ok" if code == 0 else "FAILED"))
        if code != 0:
            log(err[:2000])
            ok = False
            break
        ok = check_empty_plan(schemac, env, copy, files, scratch_dsn, after, work) and ok
    psql(env, "postgres", "-c", "DROP DATABASE %s" % copy)
    return ok


def inner(args):
    """Runs inside `schemac sandbox`: the measurements."""
    env = dict(os.environ)
    build = os.path.join(ROOT, args.build_dir)
    schemac = os.path.join(build, "cli", "schemac")
    raw_parse = os.path.join(build, "bench", "schemac_raw_parse")
    work = args.work
    out = {"machine": machine(), "repeat": args.repeat, "seed": args.seed, "sizes": {}}
    server = subprocess.run(["psql", "-X", "-At", "-c", "SELECT version()"], env=env, capture_output=True,
                            text=True, check=True).stdout.strip()
    out["machine"]["postgresql"] = server
    out["source"] = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                                   text=True).stdout.strip()
    log("server: " + server)
    nproc = os.cpu_count() or 1
    psql(env, "postgres", "-c", "CREATE DATABASE bench_scratch")
    checks = {}
    scratch_dsn = None
    if args.scratch_max_locks:
        scratch_dsn = start_scratch_cluster(work, args.scratch_max_locks)

    for n in args.sizes:
        v1 = os.path.join(work, "v1-%d" % n)
        v2 = os.path.join(work, "v2-%d" % n)
        db = "bench_v1_%d" % n
        log("N = %d: loading version 1 into %s" % (n, db))
        psql(env, "postgres", "-c", "CREATE DATABASE %s" % db)
        load_args = []
        for f in sql_files(v1):
            load_args += ["-f", f]
        load_wall, _, _, _ = psql(env, db, *load_args)
        log("  loaded in %.1f s" % load_wall)
        size = {"load_seconds": load_wall,
                "files_bytes": sum(os.path.getsize(f) for f in sql_files(v2)), "results": {}}
        res = size["results"]
        plan_cmd = [schemac, "plan", "--db", dsn(db), "--dev-db", dsn("bench_scratch"), "-o",
                    os.path.join(work, "plan-%d.sql" % n), v2]
        res["plan"] = measure("plan (v1 db -> v2 files)", plan_cmd, args.repeat, env)
        res["plan_timings"] = measure("plan --timings", plan_cmd + ["--timings"], args.repeat, env)
        embed_cmd = [schemac, "plan", "--db", dsn(db), "-o", os.path.join(work, "plan-embed-%d.sql" % n), v2]
        if not args.quick:
            res["plan_embedded"] = measure("plan, embedded scratch cluster", embed_cmd, 1, env)
        offline_cmd = [schemac, "plan", "--offline", "--db", dsn(db), "-o", os.path.join(work, "plan-off-%d.sql" % n),
                       v2, "--timings"]
        res["plan_offline"] = measure("plan --offline --timings", offline_cmd, args.repeat, env)
        if args.scratch_max_locks:
            big_cmd = [schemac, "plan", "--db", dsn(db), "--dev-db", scratch_dsn, "-o",
                       os.path.join(work, "plan-big-%d.sql" % n), v2, "--timings"]
            res["plan_big_scratch"] = measure("plan --timings, big-lock scratch", big_cmd, args.repeat, env)
        diff_cmd = [schemac, "diff", "--offline", "-o", os.path.join(work, "diff-%d.sql" % n), v1, v2]
        res["diff_offline"] = measure("diff --offline (v1 -> v2 files)", diff_cmd, args.repeat, env)
        res["diff_offline_timings"] = measure("diff --offline --timings", diff_cmd + ["--timings"], args.repeat,
                                              env)
        res["pg_dump"] = measure("pg_dump --schema-only", ["pg_dump", "--schema-only", "-f",
                                                           os.path.join(work, "dump-%d.sql" % n), "-d", db],
                                 args.repeat, env)
        if os.path.exists(raw_parse):
            for threads in sorted({1, nproc}):
                res["raw_parse_%d" % threads] = measure(
                    "raw libpg_query parse, %d thread(s)" % threads, [raw_parse, "--threads", str(threads), v2],
                    args.repeat, env)
        else:
            log("  (no %s: configure with -DSCHEMAC_BUILD_BENCH=ON for the raw parse)" % raw_parse)

        # Correctness: an unchanged state plans nothing; the forward plan reaches v2 and the
        # rollback comes back to v1 (on a copy, so the timed database keeps version 1).
        if not args.quick:
            checks[n] = correctness(schemac, env, work, n, db, v1, v2, scratch_dsn or dsn("bench_scratch"))
        psql(env, "postgres", "-c", "DROP DATABASE %s" % db)
        out["sizes"][str(n)] = size
    out["checks_ok"] = checks
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print_table(out)
    return 0 if all(checks.values()) else 1  # (empty with --quick)


def fmt_s(x):
    return "-" if x is None else "%.3f" % x


def cell(result, field, mb=False):
    if result is None:
        return "-"
    if result.get("failed"):
        return "fails"
    v = result.get(field)
    return "-" if v is None else ("%.1f" % v if mb else "%.3f" % v)


def print_table(out):
    sizes = list(out["sizes"].keys())
    nproc = out["machine"].get("nproc") or 1
    rows = [("plan, end to end (s)", "plan", "wall_median", False),
            ("plan, CPU of schemac (s)", "plan", "cpu_median", False),
            ("plan, peak RSS (MB)", "plan", "rss_mb_max", True),
            ("plan, big-lock scratch cluster (s)", "plan_big_scratch", "wall_median", False),
            ("plan, embedded scratch cluster, 1 run (s)", "plan_embedded", "wall_median", False),
            ("plan --offline (s)", "plan_offline", "wall_median", False),
            ("plan --offline, CPU of schemac (s)", "plan_offline", "cpu_median", False),
            ("diff --offline, end to end (s)", "diff_offline", "wall_median", False),
            ("diff --offline, CPU (s)", "diff_offline", "cpu_median", False),
            ("diff --offline, peak RSS (MB)", "diff_offline", "rss_mb_max", True),
            ("pg_dump --schema-only (s)", "pg_dump", "wall_median", False),
            ("pg_dump, CPU of pg_dump (s)", "pg_dump", "cpu_median", False),
            ("raw libpg_query parse of v2, 1 thread (s)", "raw_parse_1", "wall_median", False)]
    if nproc > 1:
        rows.append(("raw libpg_query parse of v2, %d threads (s)" % nproc, "raw_parse_%d" % nproc, "wall_median",
                     False))
    lines = ["| measure | " + " | ".join("N = %s" % n for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for label, key, field, mb in rows:
        results = [out["sizes"][n]["results"].get(key) for n in sizes]
        if all(r is None for r in results):
            continue
        lines.append("| %s | %s |" % (label, " | ".join(cell(r, field, mb) for r in results)))
    ratios = []
    for n in sizes:
        res = out["sizes"][n]["results"]
        best = None
        for key in ("plan", "plan_big_scratch"):
            r = res.get(key)
            if r and not r.get("failed"):
                best = r["wall_median"]
                break
        dump = res.get("pg_dump")
        ratios.append("-" if best is None or not dump or dump.get("failed") else "%.2f" % (best / dump["wall_median"]))
    lines.append("| plan / pg_dump | %s |" % " | ".join(ratios))
    for key, label in (("plan_timings", "plan"), ("plan_big_scratch", "plan (big-lock scratch)"),
                       ("plan_offline", "plan --offline"), ("diff_offline_timings", "diff --offline")):
        phases = []
        for n in sizes:
            r = out["sizes"][n]["results"].get(key) or {}
            for p in r.get("phases_median", {}):
                if p not in phases:
                    phases.append(p)
        for p in phases:
            vals = []
            for n in sizes:
                r = out["sizes"][n]["results"].get(key) or {}
                v = r.get("phases_median", {}).get(p)
                vals.append("-" if v is None else ("%.1f" % v if p == "peak RSS" else fmt_s(v)))
            unit = "MB" if p == "peak RSS" else "s"
            lines.append("| %s: %s (%s) | %s |" % (label, p, unit, " | ".join(vals)))
    if out["checks_ok"]:
        lines.append("| correctness checks | " + " | ".join(
            {True: "ok", False: "FAILED", None: "-"}[out["checks_ok"].get(int(n), out["checks_ok"].get(n))]
            for n in sizes) + " |")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000", help="comma-separated table counts (default 1000,5000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--build-dir", default="build-bench")
    ap.add_argument("--no-build", action="store_true", help="use the existing build")
    ap.add_argument("--work", default="/tmp/schemac-bench", help="generated schemas and outputs go here")
    ap.add_argument("--out", default=None, help="results JSON (default WORK/results.json)")
    ap.add_argument("--scratch-max-locks", type=int, default=0,
                    help="also plan with --dev-db on a second throwaway cluster with this max_locks_per_transaction")
    ap.add_argument("--quick", action="store_true",
                    help="skip the correctness checks and the embedded-cluster plan")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    args.work = os.path.abspath(args.work)
    args.out = os.path.abspath(args.out or os.path.join(args.work, "results.json"))
    if args.inner:
        return inner(args)

    if not args.no_build:
        log("building %s (Release, with bench tools)" % args.build_dir)
        subprocess.run(["bash", "scripts/build.sh", args.build_dir, "Release", "-DSCHEMAC_BUILD_BENCH=ON",
                        "-DSCHEMAC_BUILD_TESTS=OFF"], cwd=ROOT, check=True)
    os.makedirs(args.work, exist_ok=True)
    for n in args.sizes:
        for version in (1, 2):
            target = os.path.join(args.work, "v%d-%d" % (version, n))
            cmd = [sys.executable, os.path.join(ROOT, "bench", "gen_schema.py"), "--tables", str(n), "--seed",
                   str(args.seed), "--version", str(version), "--out", target]
            if version == 2:
                cmd += ["--changelog", os.path.join(args.work, "v2-%d.changes" % n)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    schemac = os.path.join(ROOT, args.build_dir, "cli", "schemac")
    inner_cmd = [sys.executable, os.path.abspath(__file__), "--inner", "--sizes", ",".join(map(str, args.sizes)),
                 "--repeat", str(args.repeat), "--seed", str(args.seed), "--build-dir", args.build_dir,
                 "--work", args.work, "--out", args.out, "--scratch-max-locks", str(args.scratch_max_locks)] + (
                     ["--quick"] if args.quick else [])
    return subprocess.run([schemac, "sandbox", "--", *inner_cmd]).returncode


if __name__ == "__main__":
    sys.exit(main())
