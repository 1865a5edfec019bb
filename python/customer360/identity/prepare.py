"""The matching input: identity records (int_identity__records) reduced to the model's columns.

Runs on its own in-memory DuckDB fed with Arrow, never on dbt's connection.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

#: SQL turning ``records`` (int_identity__records, which derives the first-name keys, whether a first
#: name is known and the email key) into the model input. A record takes part in probabilistic
#: matching when it has a first name: a record with only a last name, an email or a phone says little
#: about which member of a household it is; the deterministic rules attach it when its email or phone
#: belongs to one person only.
PREPARE_SQL = """
select
    record_key as unique_id,
    first_name,
    first_name_canonical,
    first_name_keys,
    is_known_first_name as first_name_is_known,
    middle_initial,
    last_name,
    email_key,
    phone_e164,
    address_line_1,
    postal_code,
    cast(birth_date as date) as birth_date
from records
where record_kind = 'person_fields' and first_name is not null
order by record_key
"""


def to_arrow_table(data) -> pa.Table:
    """An Arrow table from a pyarrow Table, a RecordBatchReader or a DuckDB relation."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatchReader):
        return data.read_all()
    if isinstance(data, duckdb.DuckDBPyRelation):
        return data.to_arrow_table()
    raise TypeError(f"cannot make an Arrow table from {type(data).__name__}")


def prepare_records(records) -> pa.Table:
    """The model input, one row per named person record, sorted by ``unique_id`` (the record key).

    ``records`` needs the int_identity__records columns used here.
    """
    con = duckdb.connect(":memory:")
    try:
        con.register("records", to_arrow_table(records))
        return con.sql(PREPARE_SQL).to_arrow_table()
    finally:
        con.close()
