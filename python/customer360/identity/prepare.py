"""The matching input: identity records (int_identity__records) reduced to the model's columns.

Runs on its own in-memory DuckDB fed with Arrow, never on dbt's connection.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

#: SQL turning ``records`` (int_identity__records, which derives the first-name keys, whether a first
#: name is known and the email key) into the model input. Every person record with any field the model
#: compares takes part — without a first name, without a last name, with only a national id, or only an
#: address and a birth date: the comparisons weigh what is there and a missing field is no evidence.
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
    national_id,
    cast(birth_date as date) as birth_date,
    address_line_1,
    postal_code,
    city
from records
where
    record_kind = 'person_fields'
    and coalesce(
        first_name, last_name, email_key, phone_e164, national_id, cast(birth_date as varchar),
        address_line_1, postal_code
    ) is not null
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

    ``records`` needs the int_identity__records columns used here. Records that are already the model
    input (int_identity__model_input: ``unique_id`` and no ``record_kind``) come back as they are, sorted.
    """
    table = to_arrow_table(records)
    if "unique_id" in table.column_names and "record_kind" not in table.column_names:
        return table.sort_by("unique_id")
    con = duckdb.connect(":memory:")
    try:
        con.register("records", table)
        return con.sql(PREPARE_SQL).to_arrow_table()
    finally:
        con.close()


#: The model columns that make up a record's profile (everything the model compares).
PROFILE_SQL_COLUMNS = (
    "first_name, first_name_canonical, first_name_keys, first_name_is_known, middle_initial, last_name, email_key,"
    " phone_e164, national_id, birth_date, address_line_1, postal_code, city"
)


def distinct_profiles(model_input: pa.Table) -> pa.Table:
    """One row per distinct combination of the compared fields (its ``unique_id`` the smallest record key).

    A person's twenty marketing sends typed alike are one profile: counted once, they do not fill the
    random sample the u probabilities are estimated from with pairs of one person, nor weigh twenty times
    in expectation maximisation. (Term frequencies count holders, ``frequencies``.)
    """
    con = duckdb.connect(":memory:")
    try:
        con.register("records", model_input)
        return con.sql(
            f"select min(unique_id) as unique_id, {PROFILE_SQL_COLUMNS} from records "
            f"group by all order by unique_id"
        ).to_arrow_table()
    finally:
        con.close()
