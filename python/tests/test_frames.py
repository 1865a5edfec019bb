"""customer360.frames on DuckDB: a Python model's previous table (``previous_build``) is None before
its first build and its rows after (the Spark side is in test_spark_submission.py)."""

from __future__ import annotations

import duckdb

from customer360.frames import previous_build


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
