"""What a dbt Python model reads and returns, on either engine.

A Python model reads its refs as Arrow and hands Arrow to the library; what it gets from ``dbt.ref`` and
what it must return depend on the engine: DuckDB gives a relation (``.arrow()``, a table or a record-batch
reader) and takes an Arrow table back; Spark gives a DataFrame (``.toArrow()``, collected to the driver)
and takes a Spark DataFrame back. These functions are the only place that difference lives (with
``previous_build``, a model's own previous table, ``query_arrow``, SQL over refs run by the engine,
``parquet_result``, a large DuckDB result handed over as a file, and ``spark_session``, the session
Splink's Spark backend scores in).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable

import pyarrow as pa

from customer360.memory import made_scratch_directory


def to_arrow(relation) -> pa.Table:
    """An Arrow table of a DuckDB relation or a Spark DataFrame."""
    if hasattr(relation, "toArrow"):  # pyspark.sql.DataFrame (Spark 4)
        return _arrow_from_spark(relation)
    table = relation.arrow()
    return table.read_all() if hasattr(table, "read_all") else table


def query_arrow(session, sql: str, **relations) -> pa.Table:
    """The Arrow table of ``sql`` run by the build's engine, each of ``relations`` (a DuckDB relation or a
    Spark DataFrame) standing in it as a temporary view named after its keyword (dropped afterwards). The
    SQL must run on both engines. For work the engine does better than Python: a join of millions of rows
    whose result is narrower than its inputs."""
    spark = _is_spark(session)
    for name, relation in relations.items():
        if spark:
            relation.createOrReplaceTempView(name)
        else:
            session.register(name, relation)
    try:
        return to_arrow(session.sql(sql))
    finally:
        for name in relations:
            if spark:
                session.catalog.dropTempView(name)
            else:
                session.unregister(name)


def parquet_result(session, write: Callable[[str], object], name: str = "result"):
    """DuckDB: a relation of the Parquet file ``write(path)`` writes, which dbt-duckdb then copies into the
    model's table as it would a table's rows. For a result too large to hand over as Arrow: DuckDB writing a
    table from an Arrow stream of 110 million rows held 13 GiB more than its memory limit, and from a
    Parquet file stays within it (DECISIONS §58). The file lives in a folder of its own under
    ``memory.scratch_directory()``, removed when the process (the dbt run) ends."""
    folder = tempfile.mkdtemp(prefix="c360_", dir=made_scratch_directory())
    atexit.register(shutil.rmtree, folder, True)
    path = os.path.join(folder, f"{name}.parquet")
    write(path)
    return session.read_parquet(path)


def to_model_result(table: pa.Table, session):
    """What the engine's Python materialisation takes: the Arrow table for DuckDB, a Spark DataFrame for
    Spark (schema from the Arrow types; an empty table keeps its columns)."""
    if not _is_spark(session):
        return table
    return session.createDataFrame(_spark_compatible(table))


def previous_build(session, this, columns: str = "*", limit: int | None = None) -> pa.Table | None:
    """This model's own table as the previous build left it (``columns`` of ``dbt.this``, at most ``limit``
    rows), or None on a first build or when the table has not those columns (an older project's). Spark:
    asked of its catalog first (``catalog.tableExists``), because a query of a table that is not there makes
    pyspark log Spark's TABLE_OR_VIEW_NOT_FOUND error with its whole stack trace even when the caller
    catches it. DuckDB: the query, None when it fails (as before)."""
    query = f"select {columns} from {this}" + (f" limit {int(limit)}" if limit is not None else "")
    if _is_spark(session):
        if not session.catalog.tableExists(f"{this.schema}.{this.identifier}"):
            return None
        try:
            return to_arrow(session.sql(query))
        except Exception:  # the table has not these columns
            return None
    try:
        return to_arrow(session.sql(query))
    except Exception:  # first build: no previous table
        return None


def sibling(this, identifier: str):
    """A relation beside ``this`` (same database and schema) named ``identifier``, for a model that reads
    what another model left from the previous build without depending on it in the DAG (the other model is
    built after it): the same attributes and rendering as ``dbt.this``."""

    class Sibling:
        database, schema = this.database, this.schema

        def __repr__(self) -> str:
            return repr(this).replace(this.identifier, identifier)

    relation = Sibling()
    relation.identifier = identifier
    return relation


def spark_session(session):
    """The SparkSession a Python model runs in, or None on DuckDB (whose models compute in this process)."""
    return session if _is_spark(session) else None


def _is_spark(session) -> bool:
    return type(session).__module__.startswith("pyspark.")


def _arrow_from_spark(frame) -> pa.Table:
    table = frame.toArrow()
    # Spark hands timestamps over as UTC instants (timestamp[us, tz=UTC]); the DuckDB build's columns are
    # naive UTC timestamps, and the library compares them as such.
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = column.cast(pa.timestamp(field.type.unit, tz="UTC")).cast(pa.timestamp(field.type.unit))
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _spark_compatible(table: pa.Table) -> pa.Table:
    """Arrow types Spark's createDataFrame reads: large strings as strings, naive timestamps as UTC."""
    columns = []
    for field, column in zip(table.schema, table.columns):
        kind = field.type
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            column = column.cast(pa.string())
        elif pa.types.is_timestamp(kind) and kind.tz is None:
            column = column.cast(pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC"))
        elif pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
        columns.append(column)
    return pa.table(columns, names=table.column_names)
