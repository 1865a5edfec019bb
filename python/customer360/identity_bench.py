"""Benchmark of the identity stage: python -m customer360.identity_bench [--records 100000 1000000]

(also: customer360 bench identity [--records 100000 1000000])

For each size: generate a data set of about that many source records (raw rows over all tables),
build everything the identity models need (seeds, staging, conformed layer) into a fresh DuckDB
file, then time the identity stage alone (``dbt build --select path:models/intermediate/identity
path:snapshots``: its models, the customer-id snapshot, data tests and unit tests), and Splink 5
alone with ordinary settings on the same records (training, scoring and Splink's own clustering, run
in its own process; see ``splink_only``).
Each timed step runs as a child process; its peak memory is the child's maximum resident set size
(``os.wait4`` resource usage). Both run ``--repeat`` times (each identity run from the same upstream
state) and the summary gives the median time and the highest peak, as one run on 2 cores varies by
about 15%. Prints figures only; not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IDENTITY = "path:models/intermediate/identity"
SNAPSHOTS = "path:snapshots"  # the customer-id history snapshot belongs to the identity stage
REPO = Path(__file__).resolve().parents[2]


def dbt_executable() -> str:
    here = Path(sys.executable).parent / "dbt"
    return str(here) if here.exists() else "dbt"


def measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
             log: Path | None = None) -> tuple[int, float, float]:
    """Run cmd as a child process: (exit code, wall seconds, peak resident memory in MiB)."""
    t0 = time.perf_counter()
    out = open(log, "w") if log else None
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT if out else None)
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if out:
            out.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - t0, usage.ru_maxrss / 1024  # KiB on Linux


def dbt_env(project: Path, db: Path, target: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(project))
    env["CUSTOMER360_DB_PATH"] = str(db)
    env["DBT_TARGET_PATH"] = str(target)
    env["DBT_LOG_PATH"] = str(target / "logs")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def rows_per_customer(seed: int, as_of: str) -> float:
    from customer360.synth.run import generate

    with tempfile.TemporaryDirectory() as tmp:
        return generate(500, seed, f"{tmp}/probe", as_of)["total_rows"] / 500


def model_timings(target: Path) -> list[tuple[str, float]]:
    try:
        with open(target / "run_results.json") as f:
            results = json.load(f)["results"]
    except (OSError, KeyError, ValueError):
        return []
    return [(r["unique_id"].split(".")[-1], r.get("execution_time") or 0.0)
            for r in results if r["unique_id"].startswith(("model.", "snapshot."))]


def bench_size(records: int, per_customer: float, args, project: Path, work: Path) -> dict:
    customers = max(10, round(records / per_customer))
    folder = work / f"records_{records}"
    data = folder / "data"
    manifest = data / "raw" / "_manifest.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("customers") == customers:
        print(f"[{records:,}] reusing {data}")
    else:
        rc, secs, _ = measured([sys.executable, "-m", "customer360.synth", "--customers", str(customers),
                                "--seed", str(args.seed), "--as-of", args.as_of, "--out", str(data)])
        if rc:
            raise SystemExit("data generation failed")
        print(f"[{records:,}] generated {customers:,} customers in {secs:.0f} s")
    total_rows = json.loads(manifest.read_text())["total_rows"]
    db, target = folder / "bench.duckdb", folder / "target"
    db.unlink(missing_ok=True)
    env = dbt_env(project, db, target)
    vars_ = f"{{raw_path: '{data / 'raw'}'}}"
    dbt = dbt_executable()

    rc, seed_secs, _ = measured([dbt, "seed", "--vars", vars_], env, project, folder / "dbt_seed.log")
    rc2, up_secs, up_mem = measured(
        [dbt, "run", "--vars", vars_, "--select", f"+{IDENTITY}", "--exclude", IDENTITY, SNAPSHOTS],
        env, project, folder / "dbt_upstream.log")
    if rc or rc2:
        raise SystemExit(f"upstream build failed: see {folder}/dbt_seed.log and dbt_upstream.log")
    print(f"[{records:,}] seeds + staging + conform built in {seed_secs + up_secs:.0f} s "
          f"(peak {up_mem:,.0f} MiB)")

    # each repeat starts from the upstream state: no previous customer ids, an empty snapshot
    upstream = folder / "bench_upstream.duckdb"
    shutil.copyfile(db, upstream)
    id_runs, sp_runs = [], []
    for run in range(1, args.repeat + 1):
        shutil.copyfile(upstream, db)
        # cautious: leave out tests of models downstream of identity (e.g. their relationships to the crosswalk)
        rc, id_secs, id_mem = measured([dbt, "build", "--vars", vars_, "--select", IDENTITY, SNAPSHOTS,
                                        "--indirect-selection", "cautious"],
                                       env, project, folder / "dbt_identity.log")
        timings = model_timings(target)
        id_runs.append((id_secs, id_mem))
        print(f"[{records:,}] run {run}: identity stage (dbt build {IDENTITY} {SNAPSHOTS}): {id_secs:.1f} s, "
              f"peak {id_mem:,.0f} MiB" + ("" if rc == 0 else f"  [exit {rc}: see {folder / 'dbt_identity.log'}]"))
        for name, secs in sorted(timings, key=lambda t: -t[1]):
            print(f"    {name:<45}{secs:>8.1f} s")
        if rc:
            raise SystemExit(f"identity stage failed: see {folder / 'dbt_identity.log'}")
        if not args.skip_splink:
            rc, sp_secs, sp_mem = measured(
                [sys.executable, "-m", "customer360.identity_bench", "splink", "--db", str(db)],
                log=folder / "splink.log")
            detail = (folder / "splink.log").read_text().strip().splitlines()
            sp_runs.append((sp_secs, sp_mem))
            print(f"[{records:,}] run {run}: Splink alone: {sp_secs:.1f} s, peak {sp_mem:,.0f} MiB"
                  + (f"  ({detail[-1]})" if detail else ""))
            if rc:
                raise SystemExit(f"Splink alone failed: see {folder / 'splink.log'}")
    upstream.unlink()
    result = dict(records=total_rows, customers=customers,
                  identity_seconds=statistics.median(s for s, _ in id_runs),
                  identity_peak_mib=max(m for _, m in id_runs))
    if sp_runs:
        result.update(splink_seconds=statistics.median(s for s, _ in sp_runs),
                      splink_peak_mib=max(m for _, m in sp_runs))
    return result


#: The identity stage's model input (``prepare.prepare_records``) in the baseline's vocabulary
#: (``customer360.evaluate.baseline.COLUMNS``): Splink alone gets exactly the records the stage scores.
BASELINE_SQL = """
select
    unique_id,
    first_name as given_name,
    last_name as surname,
    strftime(birth_date, '%Y-%m-%d') as date_of_birth,
    address_line_1 as street,
    postal_code as postcode,
    national_id,
    email_key as email,
    phone_e164 as phone
from prepared
order by unique_id
"""


def splink_only(argv: list[str]) -> int:
    """Child process: Splink 5 alone, with ordinary settings, on the records the identity stage scores.

    The records are read from a built database (read-only) and prepared as the stage prepares them
    (``prepare_records``: every person record with a field to compare); then what a user who knows Splink
    and nothing of this project would run (``customer360.evaluate.baseline``): comparisons from Splink's
    comparison library, ordinary blocking rules, the prior from deterministic rules, u by random sampling,
    m by EM, predictions and Splink's own clustering at 0.5. Training is included, as the identity stage
    trains its model on every build too. The stage's extra work is its own comparisons, the explanation
    of every link, the threshold by expected F1, the deterministic rules and the checked clustering."""
    ap = argparse.ArgumentParser(prog="python -m customer360.identity_bench splink")
    ap.add_argument("--db", required=True)
    a = ap.parse_args(argv)
    import duckdb

    from customer360.evaluate import baseline
    from customer360.identity.prepare import prepare_records

    con = duckdb.connect(a.db, read_only=True)
    records = con.sql("select * from intermediate.int_identity__records").to_arrow_table()
    con.close()
    t0 = time.perf_counter()
    prepared = prepare_records(records)
    mem = duckdb.connect(":memory:")
    mem.register("prepared", prepared)
    vocabulary = mem.sql(BASELINE_SQL).to_arrow_table()
    mem.close()
    result = baseline.run(vocabulary, oracle=False)
    clusters = len(set(result.clusters.values()))
    print(f"{vocabulary.num_rows:,} person records -> {clusters:,} Splink clusters at p >= {baseline.THRESHOLD} "
          f"(comparisons on {', '.join(result.plan.columns)}): {time.perf_counter() - t0:.1f} s "
          f"(train + predict + cluster {result.seconds:.1f} s)")
    return 0


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000],
                    help="target numbers of source records (default 100000 1000000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--workdir", help="data, databases and logs (default: a new temp folder, kept)")
    ap.add_argument("--project-dir", default=str(REPO))
    ap.add_argument("--skip-splink", action="store_true")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each timed step; the summary gives the median time and the highest peak (default 3)")


def run(a: argparse.Namespace) -> int:
    work = Path(a.workdir or tempfile.mkdtemp(prefix="c360_identity_bench_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"workdir {work}")
    per_customer = rows_per_customer(a.seed, a.as_of)
    results = [bench_size(n, per_customer, a, Path(a.project_dir).resolve(), work) for n in a.records]
    print(f"\nmedian time and highest peak of {a.repeat} run(s) each")
    print("records      customers  identity_s  identity_peak_MiB  splink_s  splink_peak_MiB"
          "  time_ratio  memory_ratio")
    nan = float("nan")
    for r in results:
        splink_s, splink_mib = r.get("splink_seconds", nan), r.get("splink_peak_mib", nan)
        print(f"{r['records']:>9,} {r['customers']:>12,} {r['identity_seconds']:>11.1f} "
              f"{r['identity_peak_mib']:>18,.0f} {splink_s:>9.1f} {splink_mib:>16,.0f} "
              f"{r['identity_seconds'] / splink_s:>10.1f}x {r['identity_peak_mib'] / splink_mib:>12.1f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["splink"]:
        return splink_only(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m customer360.identity_bench", description=__doc__.split("\n")[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
