"""customer360.frames on DuckDB: a Python model's previous table (``previous_build``) is None before
its first build and its rows after; SQL over relations (``query_arrow``) leaves no view behind (the Spark
side is in test_spark_submission.py)."""

from __future__ import annotations

import duckdb

import pytest

from customer360.frames import previous_build, query_arrow


class _This:
    """What dbt-duckdb's compiled Python model has as ``dbt.this``."""

    def __init__(self, identifier):
        self.schema, self.identifier = "main", identifier

    def __repr__(self):
        return f'"memory"."main"."{self.identifier}"'


def test_previous_build_is_none_before_the_first_build_and_the_rows_after():
    con = duckdb.connect()
    assert previous_build(con, _This("clusters")) is None
    con.execute("create table clusters as select 'r1' as record_key, 'c1' as customer_id, 3 as other")
    assert previous_build(con, _This("clusters"), "record_key, customer_id").to_pylist() == [
        {"record_key": "r1", "customer_id": "c1"}]


def test_query_arrow_runs_sql_over_relations_and_leaves_no_view_behind():
    con = duckdb.connect()
    con.execute("create table t as select range as k from range(6)")
    cursor = con.cursor()  # as dbt-duckdb hands a Python model its session
    evens, small = cursor.query("select * from t").filter("k % 2 = 0"), cursor.query("select * from t").filter("k < 3")
    out = query_arrow(cursor, "select e.k from evens as e inner join small as s on e.k = s.k order by 1", evens=evens, small=small)
    assert out.column("k").to_pylist() == [0, 2]
    assert cursor.sql("select count(*) from duckdb_views() where view_name in ('evens', 'small')").fetchone()[0] == 0
    with pytest.raises(duckdb.Error):
        query_arrow(cursor, "select * from evens where no_such_column", evens=evens)
    assert cursor.sql("select count(*) from duckdb_views() where view_name = 'evens'").fetchone()[0] == 0
