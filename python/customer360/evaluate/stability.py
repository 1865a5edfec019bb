"""Stability of customer ids when new data arrives.

    python -m customer360.evaluate.stability [--customers 400] [--seed 42] [--workdir DIR]
    customer360 evaluate stability [--customers 400] [--seed 42] [--workdir DIR]   # the same

1. generate a base data set A (``python -m customer360.synth``) and build it into its own DuckDB file;
2. generate B with the same seed and as-of date and ``--extra-share 0.05``: A's rows byte for byte
   plus about 5 % more records (new people, and new records of some existing people);
3. build B into a COPY of A's database, so incremental models and snapshots carry their state over
   as they would in production;
4. compare the two crosswalks (``intermediate.int_identity__crosswalk``).

Headline: of the customers of A whose records did not change (no new record in B belongs to any of
their people, by B's truth), the share that kept their customer_id (every one of their records maps
to the same customer_id in B). Target: at least 99.9 %. Also printed: the same among customers whose
set of records is identical in both runs (pure id persistence), and the share of A's records that
kept their customer_id.

dbt runs through the project's virtualenv (the ``dbt`` beside this Python); the project directory is
the repository root unless ``--project-dir`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import CROSSWALK

REPO = Path(__file__).resolve().parents[3]


def dbt_executable() -> str:
    here = Path(sys.executable).parent / "dbt"
    return str(here) if here.exists() else "dbt"


def run_process(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, log: Path | None = None) -> int:
    print("$", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    if log is None:
        rc = subprocess.run(cmd, env=env, cwd=cwd).returncode
    else:
        with open(log, "w") as f:
            rc = subprocess.run(cmd, env=env, cwd=cwd, stdout=f, stderr=subprocess.STDOUT).returncode
    print(f"  exit {rc} in {time.perf_counter() - t0:.0f} s" + (f" (log {log})" if log else ""), flush=True)
    return rc


def generate(out: Path, customers: int, seed: int, as_of: str, extra_share: float = 0.0) -> None:
    cmd = [sys.executable, "-m", "customer360.synth", "--customers", str(customers), "--seed", str(seed),
           "--as-of", as_of, "--out", str(out)]
    if extra_share:
        cmd += ["--extra-share", str(extra_share)]
    if run_process(cmd) != 0:
        raise SystemExit("data generation failed")


def dbt_build(project: Path, db: Path, raw: Path, target: Path, select: str | None, log: Path,
              skip_tests: bool = False) -> int:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(project))
    env["CUSTOMER360_DB_PATH"] = str(db)
    env["DBT_TARGET_PATH"] = str(target)
    env["DBT_LOG_PATH"] = str(target / "logs")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    cmd = [dbt_executable(), "build", "--vars", f"{{raw_path: '{raw}'}}"]
    if skip_tests:  # seeds, models and snapshots in DAG order, no tests
        cmd += ["--exclude-resource-type", "test", "unit_test"]
    if select:
        cmd += ["--select", select]
    return run_process(cmd, env=env, cwd=project, log=log)


def prefix_identical(a_raw: Path, b_raw: Path) -> tuple[int, int]:
    """(CSV files of A that B starts with byte for byte, CSV files of A)."""
    same = total = 0
    for fa in sorted(a_raw.rglob("*.csv")):
        fb = b_raw / fa.relative_to(a_raw)
        total += 1
        if fb.exists():
            data = fa.read_bytes()
            with open(fb, "rb") as f:
                same += f.read(len(data)) == data
    return same, total


@dataclass
class Stability:
    customers_a: int
    unchanged_customers: int
    unchanged_kept: int
    identical_customers: int
    identical_kept: int
    records_a: int
    records_kept: int
    records_missing: int
    new_records: int
    unchanged_repaired: int = 0  # unchanged customers whose id moved because they joined the rest of their person
    examples: tuple = ()

    @property
    def unchanged_share(self) -> float:
        return self.unchanged_kept / self.unchanged_customers if self.unchanged_customers else 1.0

    @property
    def identical_share(self) -> float:
        return self.identical_kept / self.identical_customers if self.identical_customers else 1.0


def compare(db_a: Path, db_b: Path, truth_b: Path | None) -> Stability:
    """Compare the crosswalks of two builds (both opened read-only)."""
    import duckdb

    con = duckdb.connect()
    for alias, db in (("a", db_a), ("b", db_b)):
        quoted = str(db).replace("'", "''")
        con.execute(f"attach '{quoted}' as {alias} (read_only)")
        con.execute(f"create temp table xw_{alias} as select record_key, customer_id from {alias}.{CROSSWALK}")
    if truth_b is not None:
        con.execute("create temp table truth as select record_key, person_id "
                    "from read_csv(?, all_varchar = true, header = true)", [str(truth_b / "person_records.csv")])
    else:
        con.execute("create temp table truth (record_key varchar, person_id varchar)")
    return Stability(*compare_sql(con), examples=tuple(changed_examples(con)))


def changed_examples(con, limit: int = 10) -> list[tuple[str, str, str | None]]:
    """(record_key, customer_id in A, customer_id in B) of records of unchanged customers whose id moved."""
    return con.execute("""
        with touched_persons as (
            select distinct truth.person_id
            from xw_b
            anti join xw_a on xw_b.record_key = xw_a.record_key
            inner join truth on xw_b.record_key = truth.record_key
        ),
        touched_customers as (
            select distinct xw_a.customer_id
            from xw_a
            inner join truth on xw_a.record_key = truth.record_key
            where truth.person_id in (select person_id from touched_persons)
        )
        select xw_a.record_key, xw_a.customer_id, xw_b.customer_id
        from xw_a
        left join xw_b on xw_a.record_key = xw_b.record_key
        where
            xw_a.customer_id not in (select customer_id from touched_customers)
            and xw_b.customer_id is distinct from xw_a.customer_id
        order by xw_a.customer_id, xw_a.record_key
        limit ?
    """, [limit]).fetchall()


def compare_sql(con) -> tuple[int, ...]:
    """Figures from temp tables xw_a, xw_b (record_key, customer_id) and truth (record_key, person_id)."""
    return con.execute("""
        with
        new_records as (
            select record_key from xw_b
            except
            select record_key from xw_a
        ),
        touched_persons as (
            select distinct truth.person_id
            from new_records
            inner join truth on new_records.record_key = truth.record_key
        ),
        records as (
            select
                xw_a.record_key,
                xw_a.customer_id as customer_a,
                xw_b.customer_id as customer_b,
                truth.person_id in (select person_id from touched_persons) as is_touched,
                truth.person_id
            from xw_a
            left join xw_b on xw_a.record_key = xw_b.record_key
            left join truth on xw_a.record_key = truth.record_key
        ),
        customers_a as (
            select
                customer_a,
                count(*) as records_a,
                bool_and(coalesce(customer_b = customer_a, false)) as is_kept,
                bool_or(coalesce(is_touched, false)) as is_touched,
                count(distinct customer_b) = 1 and count(customer_b) = count(*) as is_in_one_customer_b,
                any_value(customer_b) as customer_b,
                count(distinct person_id) = 1 and count(person_id) = count(*) as is_one_person,
                any_value(person_id) as person_id
            from records
            group by customer_a
        ),
        sizes_b as (
            select
                xw_b.customer_id,
                count(*) as records_b,
                count(distinct truth.person_id) = 1 and count(truth.person_id) = count(*) as is_one_person,
                any_value(truth.person_id) as person_id
            from xw_b
            left join truth on xw_b.record_key = truth.record_key
            group by xw_b.customer_id
        ),
        flagged as (
            select
                customers_a.*,
                customers_a.is_in_one_customer_b and customers_a.records_a = sizes_b.records_b as is_identical,
                -- a split repaired: all of it joined one B customer holding more records, all of its one person
                coalesce(
                    customers_a.is_in_one_customer_b and customers_a.is_one_person and sizes_b.is_one_person
                    and sizes_b.person_id = customers_a.person_id and sizes_b.records_b > customers_a.records_a,
                    false
                ) as is_repair
            from customers_a
            left join sizes_b on customers_a.customer_b = sizes_b.customer_id
        )
        select
            (select count(*) from flagged),
            (select count(*) from flagged where not is_touched),
            (select count(*) from flagged where not is_touched and is_kept),
            (select count(*) from flagged where is_identical),
            (select count(*) from flagged where is_identical and is_kept),
            (select count(*) from records),
            (select count(*) from records where customer_b = customer_a),
            (select count(*) from records where customer_b is null),
            (select count(*) from new_records),
            (select count(*) from flagged where not is_touched and not is_kept and is_repair)
    """).fetchone()


def report(s: Stability) -> str:
    return "\n".join([
        f"customers in A: {s.customers_a:,}; records in A: {s.records_a:,}; new records in B: {s.new_records:,}",
        f"customers whose records did not change: {s.unchanged_customers:,}, "
        f"kept their customer_id: {s.unchanged_kept:,} = {s.unchanged_share:.4%} (target >= 99.9%)",
        f"  of those that did not: {s.unchanged_repaired:,} joined the rest of their person (a split of A "
        f"repaired: all their records into one customer of B holding only that person, and more of it), "
        f"{s.unchanged_customers - s.unchanged_kept - s.unchanged_repaired:,} moved otherwise",
        f"customers with an identical record set in A and B: {s.identical_customers:,}, "
        f"kept their customer_id: {s.identical_kept:,} = {s.identical_share:.4%}",
        f"records of A that kept their customer_id: {s.records_kept:,} / {s.records_a:,} "
        f"({s.records_kept / max(s.records_a, 1):.4%}); records of A missing from B: {s.records_missing:,}",
    ] + ([f"records of unchanged customers whose id moved (first {len(s.examples)}):"] if s.examples else [])
      + [f"  {key}: {a} -> {b}" for key, a, b in s.examples])


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--customers", type=int, default=400)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--as-of", default=dt.datetime.now(dt.timezone.utc).date().isoformat())
    ap.add_argument("--extra-share", type=float, default=0.05)
    ap.add_argument("--workdir", help="where data, databases and logs go (default: a new temp folder, kept)")
    ap.add_argument("--project-dir", default=str(REPO), help="dbt project (default: the repository root)")
    ap.add_argument("--select", help="dbt --select for both builds (default: the whole project)")
    ap.add_argument("--skip-tests", action="store_true",
                    help="build seeds, models and snapshots without data and unit tests (faster; a failing "
                         "test then cannot skip the identity models)")
    ap.add_argument("--target", type=float, default=0.999, help="exit 1 below this share (default 0.999)")


def run(a: argparse.Namespace) -> int:
    work = Path(a.workdir or tempfile.mkdtemp(prefix="c360_stability_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    project = Path(a.project_dir).resolve()
    print(f"workdir {work}")
    set_a, set_b = work / "A", work / "B"
    db_a, db_b = work / "a.duckdb", work / "b.duckdb"

    generate(set_a, a.customers, a.seed, a.as_of)
    generate(set_b, a.customers, a.seed, a.as_of, a.extra_share)
    same, total = prefix_identical(set_a / "raw", set_b / "raw")
    print(f"B starts with A byte for byte in {same} of {total} CSV files")

    for db in (db_a, db_b):
        db.unlink(missing_ok=True)
    rc_a = dbt_build(project, db_a, set_a / "raw", work / "target_a", a.select, work / "dbt_a.log", a.skip_tests)
    shutil.copyfile(db_a, db_b)
    rc_b = dbt_build(project, db_b, set_b / "raw", work / "target_b", a.select, work / "dbt_b.log", a.skip_tests)
    if rc_a or rc_b:
        print("warning: a dbt build did not pass (see the logs); comparing whatever crosswalks were built")

    try:
        s = compare(db_a, db_b, set_b / "truth")
    except Exception as e:  # noqa: BLE001 - a failed build leaves no crosswalk: say so plainly
        print(f"cannot compare the crosswalks: {e}".splitlines()[0])
        return 2
    print(report(s))
    return 0 if s.unchanged_share >= a.target else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m customer360.evaluate.stability", description=__doc__.split("\n")[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
