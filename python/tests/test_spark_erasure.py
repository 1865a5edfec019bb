"""Erasure on Spark erases what DuckDB erases (marker ``spark_erasure``, ``make spark-erasure-test``).

Generate 60 customers (as ``make erasure-test``), build them on DuckDB, choose the same kind of customer
(records in several systems, identifying values of her own: ``test_erasure.choose_subject``) and
``customer360 erase --customer-id`` her. Then, from the same landing files, the same PII salt and the
erasure ledger that command wrote:

- a fresh DuckDB build (the private and BI files removed, salt and ledger kept), and
- a fresh build of every seed, snapshot and model on local Spark (the ledger and salt beside its warehouse),

and check:

- every table the Spark build made equals the DuckDB build's (``customer360.spark.compare --run-results``:
  columns, row count, md5 of the sorted rows; the run-time columns by name only): the erased rows, the
  emptied references and the counts of ``stg_landing__files`` among them;
- the landing audit erased rows on both engines (the same counts per table), in each landed table at least
  its keys in the ledger (a key of a table with no file, marketing.recipients, erases through references);
- no table of the Spark warehouse (every schema: raw, landing, staging, intermediate, snapshots, marts)
  holds a value or key of hers (``test_erasure.scan_databases`` over views of the Spark tables' Parquet
  files), where the DuckDB build before the erasure had them in many tables (so the scan can fail).

It needs dbt-spark and a JDK (.venv-spark); skipped elsewhere. It prints the figures.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from test_erasure import AS_OF, CUSTOMERS, choose_subject, scan_databases

pytestmark = pytest.mark.spark_erasure

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
JAVA_HOME = os.environ.get("JAVA_HOME") or next(
    (str(p) for p in sorted(Path("/usr/lib/jvm").glob("java-*-openjdk-*")) if (p / "bin" / "java").exists()), None)
#: Columns holding the time of the run itself (Makefile SPARK_RUN_TIME_COLUMNS).
RUN_TIME_COLUMNS = ("landed_at", "trained_at", "trained_seconds", "dbt_scd_id", "dbt_updated_at", "dbt_valid_from")


def _spark_missing() -> str | None:
    try:
        import dbt.adapters.spark  # noqa: F401
    except ImportError:
        return "dbt-spark is not installed (.venv-spark, make spark-install)"
    return None if JAVA_HOME else "no JDK for Spark"


def _env(work: Path, spark: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER360_")}
    env.update(DBT_PROFILES_DIR=str(ROOT), CUSTOMER360_DB_PATH=str(work / "c360.duckdb"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", CUSTOMER360_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "python"), os.environ.get("PYTHONPATH")])))
    if spark:
        env.update(CUSTOMER360_TARGET="spark", CUSTOMER360_SPARK_WAREHOUSE=str(work / "spark"),
                   CUSTOMER360_SPARK_CORES=os.environ.get("CUSTOMER360_SPARK_CORES", "2"),
                   CUSTOMER360_SPARK_MEMORY=os.environ.get("CUSTOMER360_SPARK_MEMORY", "3g"), JAVA_HOME=str(JAVA_HOME))
    return env


def build(work: Path, spark: bool = False) -> None:
    command = [sys.executable, "-m", "customer360.spark.run"] if spark else [str(BIN / "dbt")]
    target = work / ("target-spark" if spark else "target")
    result = subprocess.run(
        [*command, "build", "--vars", json.dumps({"raw_path": str(work / "raw"), "lifecycle_as_of_date": AS_OF}),
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--target-path", str(target), "--log-path", str(work / "logs"), "--quiet"],
        cwd=ROOT, env=_env(work, spark), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def landing_counts(con: duckdb.DuckDBPyConnection, files: str) -> dict[tuple[str, str], tuple]:
    return {(s, t): (r, e, x) for s, t, r, e, x in con.execute(
        f"select source_system, source_table, row_count, erased_row_count, erased_reference_count from {files}"
    ).fetchall()}


def spark_views(work: Path) -> Path:
    """A DuckDB file with one view per table of the Spark warehouse, over its Parquet files."""
    path = work / "spark_views.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema_dir in sorted((work / "spark" / "warehouse").glob("*.db")):
            schema = schema_dir.name.removesuffix(".db")
            con.execute(f'create schema if not exists "{schema}"')
            for table_dir in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
                if any(table_dir.rglob("*.parquet")):
                    con.execute(f'create view "{schema}"."{table_dir.name}" as '
                                f"select * from read_parquet('{table_dir}/**/*.parquet')")
    finally:
        con.close()
    return path


def test_a_spark_build_with_the_ledger_erases_what_duckdb_erases(tmp_path):
    if _spark_missing():
        pytest.skip(_spark_missing())
    work = tmp_path
    subprocess.run([sys.executable, "-m", "customer360.cli", "generate", "--customers", str(CUSTOMERS),
                    "--out", str(work), "--as-of", AS_OF, "--quiet"], check=True, cwd=ROOT, env=_env(work))
    private, bi = work / "c360.duckdb", work / "c360_bi.duckdb"
    build(work)
    subject = choose_subject(private)
    tables, rows, findings = scan_databases([private, bi], subject)
    assert findings, "the scan finds nothing of her before the erasure: it could not fail"
    print(f"\nbefore erasure (DuckDB): {tables} tables, {rows} rows scanned; her values in {len(findings)} tables")

    result = subprocess.run([sys.executable, "-m", "customer360.cli", "erase", "--customer-id", subject["customer_id"],
                             "--db", str(private), "--bi", str(bi), "--target-dir", str(work / "target"),
                             "--logs-dir", str(work / "logs")],
                            cwd=ROOT, env=_env(work), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    ledger = Path(f"{private}.erasure_ledger.csv")
    salt = Path(f"{private}.pii_salt")
    with ledger.open(newline="") as f:
        ledger_keys = Counter((row["source_system"], row["source_table"])
                              for row in csv.DictReader(f) if row["key_kind"] == "source_row")
    ledger_rows = sum(ledger_keys.values())
    assert ledger_rows > 0

    # the same data, salt and ledger: a fresh DuckDB build and a fresh Spark build (only the database files
    # and their WALs removed: the salt and ledger beside them, c360.duckdb.*, stay)
    salt_bytes = salt.read_bytes()
    for path in work.glob("c360*.duckdb*"):
        if path.name.endswith((".duckdb", ".duckdb.wal")):
            path.unlink()
    build(work)
    assert salt.read_bytes() == salt_bytes and ledger.exists(), "the fresh DuckDB build must keep the salt and ledger"
    (work / "spark").mkdir()
    shutil.copy(salt, work / "spark.pii_salt")
    os.chmod(work / "spark.pii_salt", 0o600)
    shutil.copy(ledger, work / "spark.erasure_ledger.csv")
    build(work, spark=True)

    compare = subprocess.run(
        [sys.executable, "-m", "customer360.spark.compare", "--duckdb", str(private), "--bi-duckdb", str(bi),
         "--warehouse", str(work / "spark"), "--run-results", str(work / "target-spark" / "run_results.json"),
         *[arg for column in RUN_TIME_COLUMNS for arg in ("--ignore-column", column)]],
        cwd=ROOT, env=_env(work), capture_output=True, text=True)
    print(compare.stdout[-1500:])
    assert compare.returncode == 0, compare.stdout[-3000:] + compare.stderr[-2000:]

    con = duckdb.connect(str(private), read_only=True)
    try:
        on_duckdb = landing_counts(con, "landing.files")
    finally:
        con.close()
    files = work / "spark" / "warehouse" / "landing.db" / "files" / "*.parquet"
    on_spark = landing_counts(duckdb.connect(), f"read_parquet('{files}')")
    assert on_spark == on_duckdb
    erased = sum(e for _, e, _ in on_spark.values())
    emptied = sum(x for _, _, x in on_spark.values())
    # every ledger key of a landed table erased its row there (children may add more); a key of a table with
    # no file of its own (marketing.recipients: the ids sends refer to) erases through the references only
    landed_keys = {key: n for key, n in ledger_keys.items() if key in on_spark}
    short = {key: (on_spark[key][1], n) for key, n in landed_keys.items() if on_spark[key][1] < n}
    assert landed_keys and not short, short

    views = spark_views(work)
    tables, rows, findings = scan_databases([views], subject)
    print(f"after erasure (Spark): {tables} tables, {rows} rows scanned; her values in {len(findings)} tables; "
          f"{erased} source rows erased at landing in {sum(1 for _, e, _ in on_spark.values() if e)} tables "
          f"({ledger_rows} in the ledger, {sum(landed_keys.values())} of them in landed tables), "
          f"{emptied} references emptied; landing counts equal to DuckDB's "
          f"in {len(on_spark)} tables")
    assert tables > 100
    assert not findings, findings
