"""Compare the Spark build with the DuckDB build of the same landing data, table by table.

    python -m customer360.spark.compare --duckdb data/test/customer360_test.duckdb \\
        --bi-duckdb data/test/customer360_test_bi.duckdb --warehouse data/test/spark

Every published mart (every table of schema ``marts`` in the DuckDB BI file) and the crosswalk
(``intermediate.int_identity__crosswalk`` in the private file) against the table of the same schema and
name in the Spark warehouse (``<warehouse>/warehouse/<schema>.db/<table>``, Parquet, read here with
DuckDB so no JVM is needed). Per table: the column names in order, the row count and the md5 of the
sorted row texts. Both sides' rows are rendered by the same DuckDB, after canonicalising what the two
engines may type differently: every float and decimal rounded to ``--decimals`` places (default 6: the
stated tolerance is 5e-7 absolute) as a double, every timestamp as a UTC timestamp without zone. When the
hashes differ, the rows found on one side only are counted. Both builds must use the same as-of date
(var lifecycle_as_of_date) and PII salt, or dates and hashed columns differ by construction.
Exit status 1 when any table differs or is missing on either side.

With ``--run-results <target>/run_results.json`` (and the ``manifest.json`` beside it) the tables compared
are instead every table a Spark run built (models materialised as tables, incremental or Python; seeds;
snapshots):
each against the DuckDB table of the same schema and name, looked up in the private file, then in the BI
file. A node that did not succeed in that run counts as a difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
CROSSWALK = ("intermediate", "int_identity__crosswalk")
DEFAULT_DECIMALS = 6


@dataclass(frozen=True)
class Side:
    columns: tuple[str, ...]
    row_count: int
    rows_md5: str


@dataclass(frozen=True)
class Verdict:
    table: str
    verdict: str  # "same" or what differs
    detail: str


def _canonical(name: str, kind: str, decimals: int) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    kind = kind.upper()
    if kind in ("FLOAT", "DOUBLE", "REAL") or kind.startswith("DECIMAL"):
        return f"round(cast({quoted} as double), {decimals}) as {quoted}"
    if kind.startswith("TIMESTAMP"):
        return f"cast({quoted} as timestamp) as {quoted}"
    return quoted


def _summarise(con: duckdb.DuckDBPyConnection, source: str, decimals: int,
               ignored: frozenset[str] = frozenset()) -> tuple[Side, str]:
    """The Side of a relation (SQL text ``source``) and the canonical select used for it (columns named
    in ``ignored`` are listed but their values left out)."""
    described = con.execute(f"describe select * from {source}").fetchall()
    columns = tuple(row[0] for row in described)
    select = ", ".join(_canonical(row[0], row[1], decimals) for row in described
                       if row[0] not in ignored) or "1 as no_columns"
    canonical = f"(select {select} from {source})"
    count, digest = con.execute(
        f"select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)), '')) "
        f"from {canonical} as t"
    ).fetchone()
    return Side(columns, int(count), digest), canonical


def spark_table_path(warehouse: Path, schema: str, table: str) -> Path:
    """Where a Spark session over ``warehouse`` (customer360.spark.session.local_settings) keeps a table."""
    return warehouse / "warehouse" / f"{schema}.db" / table


def _spark_source(warehouse: Path, schema: str, table: str) -> str | None:
    path = spark_table_path(warehouse, schema, table)
    if not path.is_dir() or not any(path.glob("*.parquet")):
        return None
    return f"read_parquet('{path.as_posix()}/*.parquet')"


TABLE_MATERIALIZATIONS = ("table", "incremental", "seed", "snapshot")


def built_tables(run_results: Path) -> tuple[list[tuple[str, str]], list[Verdict]]:
    """The (schema, table) of every table node a dbt run built, from its run_results.json and the
    manifest.json beside it; and a Verdict for every node of the run that did not succeed."""
    results = json.loads(run_results.read_text())
    nodes = json.loads((run_results.parent / "manifest.json").read_text())["nodes"]
    tables, failed = [], []
    for result in results["results"]:
        node = nodes.get(result["unique_id"])
        if node is None or node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        label = f"{node['schema']}.{node['alias']}"
        if result["status"] not in ("success", "pass"):
            failed.append(Verdict(label, "not built on Spark", str(result["status"])))
        elif node["config"].get("materialized") in TABLE_MATERIALIZATIONS or node["resource_type"] != "model":
            tables.append((node["schema"], node["alias"]))
    return sorted(set(tables)), failed


def _duckdb_catalog(con, schema: str, table: str) -> str | None:
    for catalog in ("private", "bi"):
        found = con.execute(
            "select count(*) from information_schema.tables where table_catalog = ? and table_schema = ? "
            "and table_name = ?", [catalog, schema, table]).fetchone()[0]
        if found:
            return catalog
    return None


def compare_builds(duckdb_path: Path, bi_path: Path, warehouse: Path,
                   decimals: int = DEFAULT_DECIMALS,
                   tables: list[tuple[str, str]] | None = None,
                   ignored_columns: frozenset[str] = frozenset()) -> list[Verdict]:
    """One Verdict per published mart and the crosswalk; or per (schema, table) of ``tables``. Columns
    named in ``ignored_columns`` must exist on both sides; their values are not compared."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{bi_path.as_posix()}' as bi (read_only)")
        con.execute(f"attach '{duckdb_path.as_posix()}' as private (read_only)")
        if tables is None:
            marts = [row[0] for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'bi' "
                "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [MARTS_SCHEMA]).fetchall()]
            targets = [("bi", MARTS_SCHEMA, name) for name in marts] + [("private", *CROSSWALK)]
        else:
            targets = [(_duckdb_catalog(con, schema, table), schema, table) for schema, table in tables]
        verdicts = []
        for catalog, schema, table in targets:
            label = f"{schema}.{table}"
            if catalog is None:
                verdicts.append(Verdict(label, "missing on DuckDB", "not in the private or the BI file"))
                continue
            duck, duck_select = _summarise(con, f'{catalog}."{schema}"."{table}"', decimals, ignored_columns)
            source = _spark_source(warehouse, schema, table)
            if source is None:
                verdicts.append(Verdict(label, "missing on Spark", f"DuckDB {duck.row_count} rows"))
                continue
            spark, spark_select = _summarise(con, source, decimals, ignored_columns)
            verdicts.append(_verdict(con, label, duck, spark, duck_select, spark_select))
        return verdicts
    finally:
        con.close()


def _verdict(con, label: str, duck: Side, spark: Side, duck_select: str, spark_select: str) -> Verdict:
    if duck.columns != spark.columns:
        only_duck = [c for c in duck.columns if c not in spark.columns]
        only_spark = [c for c in spark.columns if c not in duck.columns]
        detail = f"DuckDB only {only_duck}, Spark only {only_spark}" if only_duck or only_spark else "column order"
        return Verdict(label, "columns differ", detail)
    if duck.rows_md5 == spark.rows_md5 and duck.row_count == spark.row_count:
        return Verdict(label, "same", f"{duck.row_count} rows, md5 {duck.rows_md5}")
    only_duck, only_spark = con.execute(
        f"select (select count(*) from (select * from {duck_select} except all select * from {spark_select})), "
        f"(select count(*) from (select * from {spark_select} except all select * from {duck_select}))"
    ).fetchone()
    verdict = "row count differs" if duck.row_count != spark.row_count else "rows differ"
    return Verdict(label, verdict, f"DuckDB {duck.row_count} rows, Spark {spark.row_count}; "
                                   f"{only_duck} rows only in DuckDB, {only_spark} only in Spark")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.spark.compare",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB build's private file")
    parser.add_argument("--bi-duckdb", type=Path, required=True, help="the DuckDB build's BI file (the marts)")
    parser.add_argument("--warehouse", type=Path, required=True,
                        help="the Spark build's CUSTOMER360_SPARK_WAREHOUSE folder")
    parser.add_argument("--decimals", type=int, default=DEFAULT_DECIMALS,
                        help=f"decimal places floats and decimals are rounded to (default {DEFAULT_DECIMALS})")
    parser.add_argument("--run-results", type=Path,
                        help="compare every table this Spark run built (its run_results.json, manifest.json beside "
                             "it) instead of the marts and the crosswalk")
    parser.add_argument("--ignore-column", action="append", default=[], metavar="NAME",
                        help="a column whose values differ by construction (the run's own time, e.g. landed_at): "
                             "it must exist on both sides, its values are not compared; repeatable")
    args = parser.parse_args(argv)
    for path in (args.duckdb, args.bi_duckdb, args.warehouse) + ((args.run_results,) if args.run_results else ()):
        if not path.exists():
            print(f"{path} does not exist", file=sys.stderr)
            return 2
    tables, failed = built_tables(args.run_results) if args.run_results else (None, [])
    verdicts = failed + compare_builds(args.duckdb, args.bi_duckdb, args.warehouse, args.decimals, tables,
                                        frozenset(args.ignore_column))
    if not verdicts:
        print("no tables to compare", file=sys.stderr)
        return 1
    width = max(len(v.table) for v in verdicts)
    for v in verdicts:
        print(f"{v.table:<{width}}  {v.verdict:<17}  {v.detail}")
    same = sum(v.verdict == "same" for v in verdicts)
    ignored = f"; values of {', '.join(sorted(args.ignore_column))} not compared" if args.ignore_column else ""
    print(f"{same} of {len(verdicts)} tables identical (floats and decimals to {args.decimals} decimal places{ignored})")
    return 0 if same == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
