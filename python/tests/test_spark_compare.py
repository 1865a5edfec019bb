"""customer360.spark.compare: the DuckDB build's marts and crosswalk against a Spark warehouse's Parquet
tables (made here with DuckDB, as Spark lays them out), table by table."""

from __future__ import annotations

from pathlib import Path

import duckdb

from customer360.spark import compare


def _duckdb_builds(tmp_path: Path) -> tuple[Path, Path]:
    private, bi = tmp_path / "p.duckdb", tmp_path / "p_bi.duckdb"
    con = duckdb.connect(str(bi))
    con.execute("create schema marts")
    con.execute("create table marts.a as select * from (values (1, 0.1 + 0.2, 'x', timestamp '2026-01-02 03:04:05'),"
                " (2, 1.5, null, null)) as v(id, amount, name, seen_at)")
    con.execute("create table marts.b as select 1 as id")
    con.execute("create table marts.c as select 1 as id")
    con.close()
    con = duckdb.connect(str(private))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_identity__crosswalk as select 'k' as record_key, 'c' as customer_id")
    con.close()
    return private, bi


def _spark_table(warehouse: Path, schema: str, table: str, sql: str) -> None:
    folder = compare.spark_table_path(warehouse, schema, table)
    folder.mkdir(parents=True)
    duckdb.execute(f"copy ({sql}) to '{folder}/part-00000.parquet' (format parquet)")


def test_same_tables_differing_rows_and_missing_tables(tmp_path: Path):
    private, bi = _duckdb_builds(tmp_path)
    warehouse = tmp_path / "spark"
    # Spark's types differ (decimal, timestamp with zone, rows in another order): still the same
    _spark_table(warehouse, "marts", "a",
                 "select * from (values (2, 1.50::decimal(38, 6), null, null::timestamptz), "
                 "(1, 0.3::decimal(38, 6), 'x', timestamptz '2026-01-02 03:04:05+00')) as v(id, amount, name, seen_at)")
    _spark_table(warehouse, "marts", "b", "select 2 as id")  # a changed value
    _spark_table(warehouse, "intermediate", "int_identity__crosswalk", "select 'k' as record_key, 'c' as customer_id")
    verdicts = {v.table: v for v in compare.compare_builds(private, bi, warehouse)}
    assert verdicts["marts.a"].verdict == "same"
    assert verdicts["marts.b"].verdict == "rows differ"
    assert "1 rows only in DuckDB, 1 only in Spark" in verdicts["marts.b"].detail
    assert verdicts["marts.c"].verdict == "missing on Spark"
    assert verdicts["intermediate.int_identity__crosswalk"].verdict == "same"
    assert compare.main(["--duckdb", str(private), "--bi-duckdb", str(bi), "--warehouse", str(warehouse)]) == 1


def test_tolerance_and_columns(tmp_path: Path):
    private, bi = _duckdb_builds(tmp_path)
    warehouse = tmp_path / "spark"
    _spark_table(warehouse, "marts", "a",
                 "select * from (values (1, 0.3 + 1e-9, 'x', timestamp '2026-01-02 03:04:05'), (2, 1.5, null, null))"
                 " as v(id, amount, name, seen_at)")
    _spark_table(warehouse, "marts", "b", "select 1 as id, 2 as extra")
    verdicts = {v.table: v for v in compare.compare_builds(private, bi, warehouse)}
    assert verdicts["marts.a"].verdict == "same"  # 1e-9 is within 6 decimal places
    assert {v.table: v for v in compare.compare_builds(private, bi, warehouse, decimals=12)}["marts.a"].verdict \
        == "rows differ"
    assert verdicts["marts.b"].verdict == "columns differ"
    assert "Spark only ['extra']" in verdicts["marts.b"].detail


def test_the_tables_a_spark_run_built(tmp_path: Path):
    import json

    private, bi = _duckdb_builds(tmp_path)
    warehouse = tmp_path / "spark"
    target = tmp_path / "target"
    target.mkdir()
    nodes = {
        "model.p.a": {"resource_type": "model", "schema": "marts", "alias": "a", "config": {"materialized": "table"}},
        "model.p.v": {"resource_type": "model", "schema": "marts", "alias": "v", "config": {"materialized": "view"}},
        "model.p.x": {"resource_type": "model", "schema": "intermediate", "alias": "int_identity__crosswalk",
                      "config": {"materialized": "table"}},
        "model.p.c": {"resource_type": "model", "schema": "marts", "alias": "c", "config": {"materialized": "table"}},
        "model.p.n": {"resource_type": "model", "schema": "marts", "alias": "nowhere",
                      "config": {"materialized": "table"}},
        "test.p.t": {"resource_type": "test", "schema": "marts", "alias": "t", "config": {"materialized": "test"}},
    }
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    results = [{"unique_id": "model.p.a", "status": "success"}, {"unique_id": "model.p.v", "status": "success"},
               {"unique_id": "model.p.x", "status": "success"}, {"unique_id": "model.p.c", "status": "error"},
               {"unique_id": "model.p.n", "status": "success"}, {"unique_id": "test.p.t", "status": "fail"}]
    (target / "run_results.json").write_text(json.dumps({"results": results}))
    tables, failed = compare.built_tables(target / "run_results.json")
    assert tables == [("intermediate", "int_identity__crosswalk"), ("marts", "a"), ("marts", "nowhere")]
    assert [(v.table, v.verdict) for v in failed] == [("marts.c", "not built on Spark")]
    _spark_table(warehouse, "marts", "a", "select * from (values (1, 0.3, 'x', timestamp '2026-01-02 03:04:05'),"
                 " (2, 1.5, null, null)) as v(id, amount, name, seen_at)")
    _spark_table(warehouse, "intermediate", "int_identity__crosswalk", "select 'k' as record_key, 'c' as customer_id")
    verdicts = {v.table: v.verdict for v in compare.compare_builds(private, bi, warehouse, tables=tables)}
    assert verdicts == {"intermediate.int_identity__crosswalk": "same", "marts.a": "same",
                        "marts.nowhere": "missing on DuckDB"}
    argv = ["--duckdb", str(private), "--bi-duckdb", str(bi), "--warehouse", str(warehouse),
            "--run-results", str(target / "run_results.json")]
    assert compare.main(argv) == 1  # marts.c failed, marts.nowhere has no DuckDB table
    results.pop(3)
    results.pop(3)
    (target / "run_results.json").write_text(json.dumps({"results": results}))
    assert compare.main(argv) == 0


def test_an_ignored_column_must_exist_but_its_values_are_not_compared(tmp_path: Path):
    private, bi = _duckdb_builds(tmp_path)
    warehouse = tmp_path / "spark"
    _spark_table(warehouse, "marts", "a", "select * from (values (1, 0.3, 'y', timestamp '2026-01-02 03:04:05'),"
                 " (2, 1.5, null, null)) as v(id, amount, name, seen_at)")
    _spark_table(warehouse, "marts", "b", "select 1 as other")
    tables = [("marts", "a"), ("marts", "b")]
    verdicts = {v.table: v.verdict for v in compare.compare_builds(private, bi, warehouse, tables=tables)}
    assert verdicts == {"marts.a": "rows differ", "marts.b": "columns differ"}
    verdicts = {v.table: v.verdict for v in compare.compare_builds(
        private, bi, warehouse, tables=tables, ignored_columns=frozenset({"name", "id"}))}
    assert verdicts == {"marts.a": "same", "marts.b": "columns differ"}
