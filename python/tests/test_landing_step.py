"""The build's landing step (macro ``land_sources``) on broken exports: each case gives an error, or a warning
and unreadable-line rows, that names the file and the column or line in words — never a row's content.

Each case runs ``dbt run -s <one staging view>`` on a landing folder holding only that table's file (one
system's other files absent, which the landing step allows), in one DuckDB file and one target directory
for the whole module, so dbt parses the project once.

The same cases run on Spark (``spark__land_sources``, local[1], one warehouse for the module) where
dbt-spark and a JDK are installed (.venv-spark; ``make test-spark`` runs them); elsewhere those are skipped.
Spark's reader quarantines a record by its field count only, so its unreadable lines carry no column
name (DECISIONS §43); the erasure ledger erases the same rows on both (DECISIONS §41, §53).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
HEADER = "id,first_name,last_name,email,birthdate,created_date\n"
SECRET = "Zelda"  # a value of a broken row: it must never appear in a message
JAVA_HOME = os.environ.get("JAVA_HOME") or next(
    (str(p) for p in sorted(Path("/usr/lib/jvm").glob("java-*-openjdk-*")) if (p / "bin" / "java").exists()), None)


def _spark_missing() -> str | None:
    try:
        import dbt.adapters.spark  # noqa: F401
    except ImportError:
        return "dbt-spark is not installed (.venv-spark, make spark-install)"
    return None if JAVA_HOME else "no JDK for Spark"


ENGINES: dict[Path, str] = {}  # each module project's folder -> its engine


@pytest.fixture(scope="module", params=["duckdb", "spark"])
def project(request, tmp_path_factory):
    if request.param == "spark" and _spark_missing():
        pytest.skip(_spark_missing())
    work = tmp_path_factory.mktemp(f"landing_step_{request.param}")
    (work / "raw" / "crm").mkdir(parents=True)
    (work / "raw" / "web").mkdir(parents=True)
    ENGINES[work] = request.param
    return work


def engine(work: Path) -> str:
    return ENGINES.get(work, "duckdb")


def run_landing(work: Path, model: str) -> tuple[int, str]:
    return run_landing_with_salt(work, model, None)


def run_landing_with_salt(work: Path, model: str, salt: str | None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER360_")}
    env.update(DBT_PROFILES_DIR=str(ROOT), CUSTOMER360_DB_PATH=str(work / "c360.duckdb"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    command = [str(DBT)]
    if engine(work) == "spark":
        env.update(CUSTOMER360_TARGET="spark", CUSTOMER360_SPARK_WAREHOUSE=str(work / "spark"),
                   CUSTOMER360_SPARK_CORES="1", CUSTOMER360_SPARK_MEMORY="1g", JAVA_HOME=str(JAVA_HOME),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "python"), os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "customer360.spark.run"]
    if salt:
        env["CUSTOMER360_PII_SALT"] = salt
    result = subprocess.run(
        [*command, "run", "-s", *model.split(), "--vars", json.dumps({"raw_path": str(work / "raw")}),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=ROOT, env=env, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def unreadable(work: Path) -> list[tuple]:
    sql = ("select line_number, column_name, problem from {} where source_table = 'contacts' order by 1")
    if engine(work) == "spark":  # the Parquet files of Spark's table, read with DuckDB
        files = str(work / "spark" / "warehouse" / "landing.db" / "unreadable_lines" / "*.parquet")
        return duckdb.connect().execute(sql.format(f"read_parquet('{files}')")).fetchall()
    con = duckdb.connect(str(work / "c360.duckdb"), read_only=True)
    try:
        return con.execute(sql.format("landing.unreadable_lines")).fetchall()
    finally:
        con.close()


def landed(work: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` over landed tables named ``{schema.table}`` (Spark: its tables' Parquet files, read
    with DuckDB; DuckDB: the module's database file)."""
    if engine(work) == "spark":
        warehouse = work / "spark" / "warehouse"
        def parquet(match: re.Match) -> str:
            schema, table = match.group(1).split(".")
            return f"read_parquet('{warehouse / (schema + '.db') / table / '*.parquet'}')"
        return duckdb.connect().execute(re.sub(r"\{([a-z_]+\.[a-z_]+)\}", parquet, sql)).fetchall()
    con = duckdb.connect(str(work / "c360.duckdb"), read_only=True)
    try:
        return con.execute(re.sub(r"\{([a-z_]+\.[a-z_]+)\}", r"\1", sql)).fetchall()
    finally:
        con.close()


def contacts(work: Path, text: str) -> Path:
    for stale in (work / "raw" / "web").glob("*"):
        stale.unlink()
    path = work / "raw" / "crm" / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case, text, words", [
    ("0-byte file", "", "crm/contacts.csv: the file is empty (0 bytes, no header line)"),
    ("missing required column", f"first_name,last_name\n{SECRET},Smith\n",
     "crm/contacts.csv: the header lacks required column(s) id"),
    ("unterminated quote", HEADER + f'003A,Ann,Smith,a@x.com,1980-01-01,2024-01-01\n003B,"{SECRET},Jones,b@x.com,'
     "1981-01-01,2024-01-01\n003C,Cy,Lee,c@x.com,1982-01-01,2024-01-01\n",
     "crm/contacts.csv: line 3 opens a quoted field that is never closed"),
])
def test_a_broken_csv_stops_the_build_naming_file_and_column_or_line(project, case, text, words):
    contacts(project, text)
    code, out = run_landing(project, "stg_crm__contacts")
    assert code != 0, case
    assert words in " ".join(out.split()), out[-2000:]
    assert SECRET not in out


def test_ragged_rows_and_a_stray_quote_are_quarantined_with_their_lines(project):
    contacts(project, HEADER + "003A,Ann,Smith,a@x.com,1980-01-01,2024-01-01\n"
             f"003B,{SECRET},Jones,b@x.com\n"  # line 3: two fields short
             f"003C,Cy,{SECRET},c@x.com,1982-01-01,2024-01-01,extra\n"  # line 4: one field too many
             f'003D,"{SECRET}"x,Lee,d@x.com,1983-01-01,2024-01-01\n'  # line 5: a stray quote after a closing one
             "003E,Di,Ray,e@x.com,1984-01-01,2024-01-01\n")
    code, out = run_landing(project, "stg_crm__contacts")
    assert code == 0, out[-2000:]
    assert SECRET not in out
    lines = unreadable(project)
    if engine(project) == "spark":
        # Spark's reader goes by the field count only: lines 3 and 4, no column name; the field with a
        # stray quote after its closing one is read as text, quotes included (DECISIONS §43)
        assert "2 line(s) of crm.contacts could not be read as rows" in " ".join(out.split())
        assert lines == [(3, None, "the number of fields differs from the header"),
                         (4, None, "the number of fields differs from the header")]
        return
    assert "3 line(s) of crm.contacts could not be read as rows (first: line 3)" in " ".join(out.split())
    assert [line for line, _, _ in lines] == [3, 4, 5]
    assert lines[0][1:] == ("birthdate, created_date", "fewer fields than the header has columns")
    assert lines[1][2] == "more fields than the header has columns"
    assert "stray quote" in lines[2][2]


def test_a_parquet_file_missing_a_required_column_names_it(project):
    (project / "raw" / "crm" / "contacts.csv").unlink(missing_ok=True)
    table = pa.table({"cookie_id": ["c1"], "user_id": [SECRET], "started_at": ["2024-01-01T00:00:00Z"]})
    pq.write_table(table, project / "raw" / "web" / "sessions.parquet")
    code, out = run_landing(project, "stg_web__sessions")
    assert code != 0
    assert "web/sessions.parquet: the header lacks required column(s) id" in " ".join(out.split()), out[-2000:]
    assert SECRET not in out


def test_the_erasure_ledger_drops_rows_and_their_children_and_empties_references(project):
    """Ledger rows leave the landed tables, children that require them follow, an optional reference to
    one is emptied; all counted in landing.files. The same on both engines (Spark: the ledger beside its
    warehouse folder)."""
    from customer360.privacy.erasure import LEDGER_COLUMNS, key_hash

    salt = "a-test-salt-of-enough-length"
    (project / "raw" / "crm" / "contacts.csv").write_text(
        "id,first_name,last_name\n003A,Ann,Smith\n003B,Bob,Jones\n", encoding="utf-8")
    (project / "raw" / "crm" / "tasks.csv").write_text(
        "id,who_id,owner_id,status,created_date\n"
        "T1,003A,U1,Open,2024-01-01\nT2,003B,U1,Open,2024-01-01\n", encoding="utf-8")
    (project / "raw" / "orders").mkdir(exist_ok=True)
    (project / "raw" / "orders" / "orders.csv").write_text(
        "id,total_price,created_at\n9001,10.00,2024-01-01\n9002,12.00,2024-01-01\n", encoding="utf-8")
    (project / "raw" / "orders" / "order_lines.csv").write_text(
        "id,order_id,quantity,price\nL1,9001,1,10.00\nL2,9002,1,12.00\nL3,9001,2,5.00\n", encoding="utf-8")
    # billing: a table with a required and an optional reference (invoices, payments)
    (project / "raw" / "billing").mkdir(exist_ok=True)
    (project / "raw" / "billing" / "customers.csv").write_text("id\nB1\nB2\n", encoding="utf-8")
    (project / "raw" / "billing" / "invoices.csv").write_text(
        "id,customer_id,order_id,status,amount_due,created\n"
        "I1,B2,9001,paid,10.00,2024-01-01\nI2,B1,9002,paid,12.00,2024-01-01\n", encoding="utf-8")
    (project / "raw" / "billing" / "payments.csv").write_text(
        "id,invoice_id,customer_id,amount,status,created\n"
        "P1,I2,B2,12.00,succeeded,2024-01-02\nP2,I1,B1,10.00,succeeded,2024-01-02\n", encoding="utf-8")
    ledger = Path(f"{project / ('spark' if engine(project) == 'spark' else 'c360.duckdb')}.erasure_ledger.csv")
    with open(ledger, "w", encoding="utf-8") as handle:
        handle.write(",".join(LEDGER_COLUMNS) + "\n")
        for key in ("crm:contacts:003A", "orders:orders:9001", "billing:customers:B1"):
            system, table, _ = key.split(":")
            handle.write(f"r1,2026-01-01T00:00:00,source_row,{system},{table},{key_hash(salt, key)}\n")
    try:
        code, out = run_landing_with_salt(project, "stg_crm__contacts stg_crm__tasks stg_orders__orders "
                                          "stg_orders__order_lines stg_billing__customers stg_billing__invoices "
                                          "stg_billing__payments", salt)
    finally:
        ledger.unlink()
    assert code == 0, out[-3000:]
    assert landed(project, "select id from {raw_crm.contacts}") == [("003B",)]
    assert sorted(landed(project, "select id, who_id from {raw_crm.tasks}")) == [("T1", None), ("T2", "003B")]
    assert landed(project, "select id from {raw_orders.orders}") == [("9002",)]
    assert landed(project, "select id from {raw_orders.order_lines}") == [("L2",)]
    # I2 requires erased customer B1 (erased, and so is its payment's reference); I1's order was erased
    assert landed(project, "select id, customer_id, order_id from {raw_billing.invoices}") == [("I1", "B2", None)]
    assert landed(project, "select id, invoice_id, customer_id from {raw_billing.payments}") == [("P1", None, "B2")]
    counts = dict(((s, t), (r, e, x)) for s, t, r, e, x in landed(project,
        "select source_system, source_table, row_count, erased_row_count, erased_reference_count "
        "from {landing.files} where source_table in ('contacts', 'tasks', 'orders', 'order_lines', 'customers', "
        "'invoices', 'payments')"))
    assert counts == {("crm", "contacts"): (1, 1, 0), ("crm", "tasks"): (2, 0, 1),
                      ("orders", "orders"): (1, 1, 0), ("orders", "order_lines"): (1, 2, 0),
                      ("billing", "customers"): (1, 1, 0), ("billing", "invoices"): (1, 1, 1),
                      ("billing", "payments"): (1, 1, 1)}
    assert "Ann" not in out and "003A" not in out
