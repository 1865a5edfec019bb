"""Term frequencies: how often a value is held by someone else.

A pair agreeing on a value is weighed by Splink's term-frequency adjustment: the value's ``u`` is the
chance that a record of another person carries it. The frequency used to be the value's share of the
distinct profiles, which counts the holder's own profiles as other people: one person's email typed
under five spellings of their name was "on five profiles", as common as a family mailbox, and a call
that carried only that phone scored p ≈ 0.3 with the person's records although such pairs were 98% one
person (DECISIONS §72).

Here a value's frequency is the share of records that carry it outside its largest *holder*, at least
``PSEUDO_COUNT`` records (a value one holder alone has is counted as if one other record carried it):

- a holder is a set of records known to be one person: joined by a deterministic link (a source
  reference, a shared customer key, the same email and first name, ...) or having one profile (every
  compared field the same), followed transitively (``holders``);
- so a personal email, phone or street weighs by how rarely anyone else has it, and a family mailbox by
  how many records the *other* members have;
- the denominator is every record carrying the column, as Splink's own term frequencies.

Without links every profile is its own holder. The same SQL runs on DuckDB and, translated, on Spark
(``customer360.spark.scoring``); the holders are computed in Python from two key columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .prepare import PROFILE_SQL_COLUMNS

#: Records of someone else a value held by one holder only is counted as having (a value seen once is
#: not proven unique: one other record is the smallest count that keeps its weight finite).
PSEUDO_COUNT = 1


def profile_edges_sql(relation: str) -> str:
    """SQL of one edge per record of the model input ``relation`` to the first record with its profile
    (``record_key_a``, ``record_key_b``): records with one profile are one holder. Portable SQL (DuckDB and
    Spark)."""
    return f"""
        select unique_id as record_key_a, min(unique_id) over (partition by {PROFILE_SQL_COLUMNS}) as record_key_b
        from {relation}
    """


def profile_edges(model_input: pa.Table) -> pa.Table:
    """``profile_edges_sql`` of ``model_input`` (DuckDB)."""
    con = duckdb.connect(":memory:")
    try:
        con.register("model_input", model_input)
        return con.sql(profile_edges_sql("model_input")).to_arrow_table()
    finally:
        con.close()


def holders(record_keys: pa.Array | pa.ChunkedArray, edges: Iterable[pa.Table | None]) -> pa.Table:
    """The holder of every record (``unique_id``, ``holder``): the connected components of ``edges``
    (tables of ``record_key_a``, ``record_key_b``) over ``record_keys`` (``components.component_labels``).
    An edge naming a record that is not in ``record_keys`` is left out (``clustering.known_links``). A
    holder is numbered by its first record in ``record_keys``' order, so the numbering does not depend on
    the order of the edges."""
    from .clustering import known_links
    from .components import component_labels

    keys = record_keys.combine_chunks() if isinstance(record_keys, pa.ChunkedArray) else record_keys
    keys = keys.cast(pa.string())
    n = len(keys)
    positioned = [known_links(table, keys)[:2] for table in edges]
    a = np.concatenate([np.zeros(0, dtype=np.int64)] + [a for a, _ in positioned])
    b = np.concatenate([np.zeros(0, dtype=np.int64)] + [b for _, b in positioned])
    labels = component_labels(n, a, b)
    # number each component by its first record: independent of scipy's labelling
    first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return pa.table({"unique_id": keys, "holder": pa.array(first[labels], pa.int64())})


def record_holders(model_input: pa.Table, links: pa.Table | None = None) -> pa.Table:
    """``holders`` of the model input's records: joined by ``links`` (the deterministic links) and by one
    profile."""
    return holders(model_input.column("unique_id"), [links, profile_edges(model_input)])


def term_frequency_sql(records: str, holders_relation: str, column: str) -> str:
    """SQL of ``column``'s term-frequency lookup (``<column>``, ``tf_<column>``): the share of the records
    carrying ``column`` that carry the value outside its largest holder, at least ``PSEUDO_COUNT``
    (module docstring). ``records`` is the model input, ``holders_relation`` its ``holders``. Portable SQL."""
    return f"""
        with held as (
            select r.{column} as value, h.holder, count(*) as record_count
            from {records} as r
            inner join {holders_relation} as h on r.unique_id = h.unique_id
            where r.{column} is not null
            group by r.{column}, h.holder
        )
        select
            value as {column},
            greatest(sum(record_count) - max(record_count), {PSEUDO_COUNT}) / sum(sum(record_count)) over ()
                as tf_{column}
        from held
        group by value
        order by value
    """


def term_frequency_tables(model_input: pa.Table, columns, record_holders_table: pa.Table | None = None) -> dict[str, pa.Table]:
    """Splink's term-frequency lookup of each of ``columns`` over ``model_input`` (``term_frequency_sql``);
    the holders ``record_holders_table`` (``record_holders``), by default those of one profile only."""
    columns = list(columns)
    if not columns:
        return {}
    if record_holders_table is None:
        record_holders_table = record_holders(model_input)
    con = duckdb.connect(":memory:")
    try:
        con.register("records", model_input)
        con.register("holders", record_holders_table)
        return {column: con.sql(term_frequency_sql("records", "holders", column)).to_arrow_table() for column in columns}
    finally:
        con.close()


#: Columns of the build's term-frequency table (``int_identity__term_frequencies``): one row per column and
#: value, with the model the frequencies were counted for.
TERM_FREQUENCY_COLUMNS = {
    "match_model_id": pa.string(),
    "tf_column": pa.string(),
    "tf_value": pa.string(),
    "term_frequency": pa.float64(),
}


def long_table(lookups: dict[str, pa.Table], match_model_id: str) -> pa.Table:
    """The lookups of ``term_frequency_tables`` as one table (``TERM_FREQUENCY_COLUMNS``): a row per column
    and value, in column then value order."""
    parts = [
        pa.table({
            "match_model_id": pa.array([match_model_id] * lookup.num_rows, pa.string()),
            "tf_column": pa.array([column] * lookup.num_rows, pa.string()),
            "tf_value": lookup.column(column).cast(pa.string()),
            "term_frequency": lookup.column(f"tf_{column}").cast(pa.float64()),
        })
        for column, lookup in sorted(lookups.items())
    ]
    schema = pa.schema(list(TERM_FREQUENCY_COLUMNS.items()))
    return pa.concat_tables(parts).cast(schema) if parts else schema.empty_table()


def lookups_from_long(table: pa.Table, columns) -> dict[str, pa.Table]:
    """``long_table`` back to Splink's lookups (``<column>``, ``tf_<column>``) of ``columns``: a column the
    table has no value of gets an empty lookup (no value of it is then adjusted)."""
    out = {}
    for column in columns:
        rows = table.filter(pc.equal(table.column("tf_column"), column))
        out[column] = pa.table({
            column: rows.column("tf_value").cast(pa.string()),
            f"tf_{column}": rows.column("term_frequency").cast(pa.float64()),
        })
    return out
