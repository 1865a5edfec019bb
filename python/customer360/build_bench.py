"""Benchmark of the whole build: python -m customer360.build_bench [--sizes 100k 1M] [--with-10m]

(also: customer360 bench build ...; make bench-build)

For each size (source records: 100k ≈ 1,750 customers, 1M ≈ 17,495, 10M ≈ 174,950):

1. generate the data set (``customer360 generate --customers N --seed 42 --as-of 2026-01-01``) and the
   same data set with 1 % more records (``--extra-share 0.01``: the first one's rows byte for byte plus
   about 1 % new records), each once per work folder;
2. **full**: ``dbt build`` of the first data set into a fresh DuckDB file — a production build, unit tests
   left out as the README's own-exports command leaves them out (``--unit-tests`` runs them too);
3. **+1%**: the same file built again on the larger data set, with the same dbt target folder and the
   same export path (``raw``, a link now pointing at the larger set): what a company's nightly run after a
   day's new records costs, partial parsing included;
4. **equality** (unless ``--no-equality``): ``dbt build --full-refresh`` of the larger data set into a
   copy of the file as the full build left it, and the published marts of (3) and (4) compared table by
   table (``customer360.mart_diff``: columns, row count, md5 of the sorted rows). Not a fresh file: the
   incremental build reuses the match model and carries the customer ids over from the file it builds in
   (DECISIONS §46, §14), which a fresh file has not (DECISIONS §87).

Every dbt build runs as a child process; its wall time, CPU time (user + system of the dbt process and
every child it waited for) and peak resident memory come from ``os.wait4``. PASS / WARN / ERROR / SKIP are
counted from dbt's run_results.json as dbt counts them. The machine may be shared: the 1-minute load
average is printed before and after each build, so compare figures as ratios within one run. The as-of
date and the PII salt are fixed, so two builds of the same data publish the same marts.

With ``--node-times`` the slowest nodes and the node time by layer and kind are printed after each build.
Prints figures only; not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Customers per size label; the issue's 1M set is 17,495 customers (1,000,970 records at seed 42).
SIZES = {"100k": 1_750, "1M": 17_495, "10M": 174_950}
CUSTOMERS_PER_RECORD = 17_495 / 1_000_970
PII_SALT = "customer360-build-bench"  # fixed, so hashed published columns agree between builds


@dataclass
class Build:
    label: str
    records: int
    exit_code: int
    wall: float
    cpu: float
    peak_mib: float
    load_before: float
    load_after: float
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


def customers_for(size: str) -> int:
    if size in SIZES:
        return SIZES[size]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", size)
    if not match:
        raise SystemExit(f"size {size!r}: give 100k, 1M, 10M or a number of source records")
    records = float(match.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[match.group(2).lower()]
    return max(10, round(records * CUSTOMERS_PER_RECORD))


def load1() -> float:
    return os.getloadavg()[0]


def dbt_executable() -> str:
    here = Path(sys.executable).parent / "dbt"
    return str(here) if here.exists() else "dbt"


def measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
             log: Path | None = None, timeout: float | None = None) -> tuple[int, float, float, float]:
    """Run cmd as a child: (exit code, wall s, CPU s of the child and its waited-for children, peak RSS MiB).
    After ``timeout`` seconds the child's process group is stopped and the exit code is -9."""
    t0 = time.perf_counter()
    out = open(log, "w") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if timeout and time.perf_counter() - t0 > timeout:
                    os.killpg(proc.pid, 9)
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.2)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): leave no build running
            os.killpg(proc.pid, 9)
            os.wait4(proc.pid, 0)
            raise
    finally:
        if log:
            out.close()
    code = os.waitstatus_to_exitcode(status)
    return code, time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def generate(folder: Path, customers: int, extra_share: float, args) -> tuple[int, float]:
    """The data set in ``folder`` (reused when its manifest says it is the one asked for): (records, seconds)."""
    manifest = folder / "raw" / "_manifest.json"
    if manifest.exists():
        info = json.loads(manifest.read_text())
        if info.get("customers") == customers and float(info.get("extra_share") or 0) == extra_share:
            return info["total_rows"], 0.0
    shutil.rmtree(folder, ignore_errors=True)
    cmd = [sys.executable, "-m", "customer360.synth", "--customers", str(customers), "--seed", str(args.seed),
           "--as-of", args.as_of, "--out", str(folder), "--quiet"]
    if extra_share:
        cmd += ["--extra-share", str(extra_share)]
    code, wall, _, peak = measured(cmd, log=folder.parent / f"generate_{folder.name}.log")
    if code:
        log = (folder.parent / f"generate_{folder.name}.log").read_text()[-2000:]
        raise SystemExit(f"the generator stopped (exit {code}, peak {peak:,.0f} MiB) for {customers:,} customers:\n{log}")
    return json.loads(manifest.read_text())["total_rows"], wall


def dbt_env(db: Path, target: Path, project: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = str(project)
    # the project's own copy of the Python package (its dbt Python models import it) comes first
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(project / "python"), env.get("PYTHONPATH")) if p)
    env["CUSTOMER360_DB_PATH"] = str(db)
    env["CUSTOMER360_BI_DB_PATH"] = str(bi_path(db))
    env["CUSTOMER360_PII_SALT"] = PII_SALT
    env["DBT_TARGET_PATH"] = str(target)
    env["DBT_LOG_PATH"] = str(target / "logs")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def bi_path(db: Path) -> Path:
    return db.with_name(db.name.replace(".duckdb", "_bi.duckdb"))


def status_counts(target: Path) -> dict[str, int]:
    """PASS / WARN / ERROR / SKIP as dbt's summary line counts them."""
    counts = {"PASS": 0, "WARN": 0, "ERROR": 0, "SKIP": 0}
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
    except (OSError, KeyError, ValueError):
        return counts
    for r in results:
        status = r.get("status")
        key = {"success": "PASS", "pass": "PASS", "warn": "WARN", "error": "ERROR", "fail": "ERROR",
               "skipped": "SKIP"}.get(status)
        if key:
            counts[key] += 1
    return counts


def node_times(target: Path, top: int = 12) -> None:
    """The slowest nodes, then node time summed by layer (of the model a test reads) and kind."""
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
        nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    except (OSError, KeyError, ValueError):
        return
    def layer(uid: str) -> str:
        node = nodes.get(uid, {})
        if node.get("resource_type") in ("test", "unit_test"):
            parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p.startswith(("model.", "seed."))]
            if parents and parents[0] in nodes:
                node = nodes[parents[0]]
        fqn = node.get("fqn") or ["", "other"]
        return fqn[1] if len(fqn) > 2 else node.get("resource_type", "other")
    by_group: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in results:
        uid = r["unique_id"]
        by_group[(layer(uid), uid.split(".")[0])].append(r.get("execution_time") or 0.0)
    total = sum(sum(v) for v in by_group.values())
    print(f"      node time {total:.0f} s by layer and kind:")
    for (lay, kind), times in sorted(by_group.items(), key=lambda kv: -sum(kv[1])):
        print(f"        {lay:<14}{kind:<10}{len(times):>5} nodes {sum(times):>8.1f} s  {100 * sum(times) / max(total, 1e-9):5.1f}%")
    print("      slowest nodes:")
    for r in sorted(results, key=lambda r: -(r.get("execution_time") or 0))[:top]:
        print(f"        {r['unique_id'].split('.', 1)[1]:<70}{r.get('execution_time') or 0:>8.1f} s")


def build_command(args, vars_: str) -> list[str]:
    """The measured ``dbt build``: a production build, as the README's "Bring your own exports" runs it —
    unit tests left out (their inputs are fixed fixtures, so they pass or fail the same on every data set;
    ``make test`` runs them, DECISIONS §84) unless ``--unit-tests``."""
    return [dbt_executable(), "build", "--vars", vars_] + (
        [] if getattr(args, "unit_tests", False) else ["--exclude-resource-type", "unit_test"]
    )


def dbt_build(label: str, db: Path, raw: Path, records: int, args, work: Path, project: Path,
              log_name: str | None = None, full_refresh: bool = False, extra_vars: dict | None = None) -> Build:
    target = target_of(db)
    env = dbt_env(db, target, project)
    vars_ = json.dumps({"raw_path": str(raw), "lifecycle_as_of_date": args.as_of, **(extra_vars or {})})
    log = work / f"dbt_{log_name or db.stem}.log"
    before = load1()
    command = build_command(args, vars_) + (["--full-refresh"] if full_refresh else [])
    code, wall, cpu, peak = measured(command, env, project, log, timeout=args.timeout)
    build = Build(label, records, code, wall, cpu, peak, before, load1(), status_counts(target))
    if code == -9 and args.timeout and wall >= args.timeout:
        build.note = f"stopped after the {args.timeout:.0f} s time limit (--timeout)"
    elif code < 0:
        build.note = (f"killed by signal {-code} at peak {peak:,.0f} MiB"
                      + (" (the kernel's out-of-memory killer sends signal 9)" if code == -9 else ""))
    elif code:
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line or "ERROR" in line]
        build.note = f"exit {code}: " + (errors[-1].strip()[:160] if errors else f"see {log}")
    print_row(build)
    if args.node_times:
        node_times(target)
    return build


HEADER = (f"{'build':<16}{'records':>11}{'wall_s':>9}{'cpu_s':>9}{'peak_MiB':>10}"
          f"{'PASS':>6}{'WARN':>6}{'ERROR':>6}{'SKIP':>6}{'load_before':>13}{'load_after':>12}")


def print_row(b: Build) -> None:
    c = b.counts
    print(f"{b.label:<16}{b.records:>11,}{b.wall:>9.1f}{b.cpu:>9.1f}{b.peak_mib:>10,.0f}"
          f"{c.get('PASS', 0):>6}{c.get('WARN', 0):>6}{c.get('ERROR', 0):>6}{c.get('SKIP', 0):>6}"
          f"{b.load_before:>13.2f}{b.load_after:>12.2f}" + (f"  {b.note}" if b.note else ""), flush=True)


def copy_database(src: Path, dst: Path) -> None:
    """The private and the BI file of ``src`` copied to ``dst`` (and its BI path)."""
    for a, b in ((src, dst), (bi_path(src), bi_path(dst))):
        b.unlink(missing_ok=True)
        shutil.copyfile(a, b)


def target_of(db: Path) -> Path:
    """dbt's target folder of the builds into ``db`` (beside it)."""
    return db.with_name(f"target_{db.stem}")


def fresh(db: Path) -> None:
    """No database at ``db`` and no dbt target folder for it: a build into a fresh file parses the project
    afresh too. A target left by a build of another project folder made dbt's partial parsing reuse that
    folder's seed paths (a 10M build failed reading seeds from a deleted copy of the project)."""
    for path in (db, bi_path(db), Path(str(db) + ".wal"), Path(str(bi_path(db)) + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(target_of(db), ignore_errors=True)


def can_reach(size: str, customers: int, work: Path) -> str | None:
    """Why a size cannot be built here, known before trying (disk), or None."""
    need_gib = customers * 57 * 700 / 2**30 * 4  # CSV ≈ 700 B per record, ×4 for two data sets and the databases
    free_gib = shutil.disk_usage(work).free / 2**30
    if free_gib < need_gib:
        return f"{size}: about {need_gib:.0f} GiB of disk needed for data and databases, {free_gib:.0f} GiB free in {work}"
    return None


def point_raw(link: Path, data: Path) -> Path:
    """``link`` (the company's export folder, the same path every day) now points at ``data``."""
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(data.resolve(), target_is_directory=True)
    return link


def bench_project(size: str, records: int, extra_records: int, folder: Path, project: Path, tag: str, args) -> list[Build]:
    """Full, +1% incremental and (unless --no-equality) a full refresh of the +1% data, with the marts diff.

    The incremental build is a company's next build: the same database file, the same dbt target folder
    (so dbt parses the project partially, as it does for anyone who keeps ``target/``) and the same export
    folder (``raw``, a link that now points at the +1% data, so the vars are the same too). Its marts are
    compared with ``dbt build --full-refresh`` of the same data into a copy of the file as it was before
    the incremental build: every model rebuilt from scratch, with the state the project keeps on purpose
    (the reused match model, DECISIONS §46; the carried-over customer ids, §14) the same on both sides
    (DECISIONS §87)."""
    work = folder / tag if tag else folder
    work.mkdir(parents=True, exist_ok=True)
    suffix = f" [{tag}]" if tag else ""
    builds = []
    raw = work / "raw"
    db = work / "customer360.duckdb"
    fresh(db)
    full = dbt_build(f"{size} full{suffix}", db, point_raw(raw, folder / "base" / "raw"), records, args, work,
                     project, "full")
    builds.append(full)
    if full.exit_code or args.no_incremental:
        return builds
    refresh_db = work / "full_refresh.duckdb"
    fresh(refresh_db)
    if not args.no_equality:
        copy_database(db, refresh_db)
    share = f"+{args.extra_share:.0%}"
    inc = dbt_build(f"{size} {share} incr{suffix}", db, point_raw(raw, folder / "plus1" / "raw"), extra_records,
                    args, work, project, "incremental")
    inc.note = (inc.note + "  " if inc.note else "") + f"{inc.wall / full.wall:.2f}x the full build's wall"
    builds.append(inc)
    if inc.exit_code or args.no_equality:
        return builds
    # every pair scored again: the incremental build scores only the pairs of new or changed records (§88)
    check = dbt_build(f"{size} {share} refresh{suffix}", refresh_db, raw, extra_records, args, work, project,
                      full_refresh=True, extra_vars={"identity_rescore_all": True})
    builds.append(check)
    if check.exit_code == 0:
        from .mart_diff import compare, summarise

        rows = compare(summarise(bi_path(refresh_db)), summarise(bi_path(db)))
        different = [r for r in rows if r[1] != "same"]
        print(f"[{size}{suffix}] marts of the {share} incremental build (after) against a full refresh of the same "
              f"data from the same file (before), table by table:")
        for table, verdict, detail in rows:
            print(f"      {table:<40}{verdict:<18}{detail[:100]}")
        print(f"[{size}{suffix}] {len(rows)} tables, {len(rows) - len(different)} the same, {len(different)} different",
              flush=True)
        print(f"[{size}{suffix}] identity tables of the incremental build against the full refresh: "
              + "; ".join(f"{table} {verdict}" for table, verdict in identity_diff(refresh_db, db)), flush=True)
    return builds


#: Private identity tables the bench compares row for row between the incremental build and the full refresh.
IDENTITY_TABLES = ("int_identity__scored_pairs", "int_identity__term_frequencies", "int_identity__clusters")


def identity_diff(before: Path, after: Path) -> list[tuple[str, str]]:
    """Each of ``IDENTITY_TABLES`` of two private databases compared as ``mart_diff`` compares marts
    (columns, row count, md5 of the sorted rows): (table, verdict and detail)."""
    from .mart_diff import compare, summarise

    rows = compare(summarise(before, "intermediate", IDENTITY_TABLES), summarise(after, "intermediate", IDENTITY_TABLES))
    return [(table, verdict if verdict != "same" else f"same ({detail.split(',')[0]})") for table, verdict, detail in rows]


def bench_size(size: str, args, work: Path) -> list[Build]:
    customers = customers_for(size)
    folder = work / size
    folder.mkdir(parents=True, exist_ok=True)
    reason = can_reach(size, customers, folder)
    if reason:
        print(f"[{size}] not run: {reason}")
        return []
    records, secs = generate(folder / "base", customers, 0.0, args)
    print(f"[{size}] {customers:,} customers, {records:,} source records" + (f" generated in {secs:.0f} s" if secs else " (reused)"))
    extra_records = records
    if not args.no_incremental:
        extra_records, secs = generate(folder / "plus1", customers, args.extra_share, args)
        print(f"[{size}] +{args.extra_share:.0%}: {extra_records:,} source records"
              + (f" generated in {secs:.0f} s" if secs else " (reused)"), flush=True)
    projects = [Path(p).resolve() for p in (args.project_dir or [REPO])]
    builds = []
    for project in projects:
        tag = project.name if len(projects) > 1 else ""
        builds += bench_project(size, records, extra_records, folder, project, tag, args)
    return builds


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--sizes", nargs="+", default=["100k"],
                    help="source-record sizes: 100k, 1M, 10M or a number of records (default 100k)")
    ap.add_argument("--with-10m", action="store_true", help="also the 10M set (about 175,000 customers)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--as-of", default="2026-01-01", help="generator as-of date and lifecycle_as_of_date")
    ap.add_argument("--extra-share", type=float, default=0.01, help="new records for the incremental build (default 0.01)")
    ap.add_argument("--no-incremental", action="store_true", help="only the full builds")
    ap.add_argument("--no-equality", action="store_true",
                    help="skip the full build of the larger data set and the marts comparison")
    ap.add_argument("--node-times", action="store_true", help="print the slowest nodes and node time by layer")
    ap.add_argument("--timeout", type=float, default=None, help="stop a dbt build after this many seconds")
    ap.add_argument("--unit-tests", action="store_true",
                    help="run the unit tests too (by default the builds are production builds without them, as the "
                         "README's own-exports command; make test runs them)")
    ap.add_argument("--project-dir", action="append",
                    help="dbt project to build (default this repository); give it twice to compare two versions "
                         "of the project in one run, e.g. a `git archive` of main and the working tree")
    ap.add_argument("--workdir", help="data, databases and logs (default: a new temp folder, kept; data is reused)")


def _terminated(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def run(a: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _terminated)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="c360_build_bench_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    sizes = list(a.sizes) + (["10M"] if a.with_10m and "10M" not in a.sizes else [])
    print(f"workdir {work}; {os.cpu_count()} cores; load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("builds: " + " ".join(build_command(a, "<vars>")[1:]))
    print(HEADER, flush=True)
    builds: list[Build] = []
    for size in sizes:
        builds += bench_size(size, a, work)
    print("\nsummary (CPU = user + system of the dbt process tree; load = 1-minute load average)")
    print(HEADER)
    for b in builds:
        print_row(b)
    return 1 if any(b.exit_code for b in builds) else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m customer360.build_bench", description=__doc__.split("\n")[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
