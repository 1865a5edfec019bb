"""The matching input: conformed person records reduced to the model's columns.

Runs on its own in-memory DuckDB fed with Arrow, never on dbt's connection.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

#: SQL turning ``persons`` (int_conform__persons) and ``nicknames`` (ref_nicknames) into the model input.
#: A record takes part in probabilistic matching when it has a first name: a record with only a last
#: name, an email or a phone says little about which member of a household it is; the deterministic
#: rules attach it when its email or phone belongs to one person only.
PREPARE_SQL = """
with
known_first_names as (
    select nickname as first_name from nicknames
    union
    select canonical_first_name from nicknames
),
first_name_keys as (
    -- every canonical first name a first name may stand for: itself, its preferred canonical
    -- name and every other name it is a nickname of
    select
        persons.record_key,
        list_sort(list_distinct(list_concat(
            coalesce(
                list(nicknames.canonical_first_name)
                    filter (where nicknames.canonical_first_name is not null),
                cast([] as varchar[])
            ),
            [persons.first_name, persons.first_name_canonical]
        ))) as first_name_keys
    from persons
    left join nicknames
        on persons.first_name = nicknames.nickname
    where persons.first_name is not null
    group by persons.record_key, persons.first_name, persons.first_name_canonical
),
keyed as (
    select
        persons.*,
        -- a plus tag never tells two people apart, whatever the provider's own rules say
        regexp_replace(persons.email_match_key, '\\+[^@]*@', '@') as email_key
    from persons
)
select
    keyed.record_key as unique_id,
    keyed.first_name,
    keyed.first_name_canonical,
    first_name_keys.first_name_keys,
    known_first_names.first_name is not null as first_name_is_known,
    keyed.middle_initial,
    keyed.last_name,
    keyed.email_key,
    keyed.phone_e164,
    keyed.address_line_1,
    keyed.zip5,
    cast(keyed.birth_date as date) as birth_date
from keyed
left join first_name_keys
    on keyed.record_key = first_name_keys.record_key
left join known_first_names
    on keyed.first_name = known_first_names.first_name
where keyed.first_name is not null
order by keyed.record_key
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


def prepare_records(persons, nicknames) -> pa.Table:
    """The model input, one row per named person record, sorted by ``unique_id`` (the record key).

    ``persons`` needs the int_conform__persons columns used here; ``nicknames`` the ref_nicknames
    columns ``nickname`` and ``canonical_first_name``.
    """
    con = duckdb.connect(":memory:")
    try:
        con.register("persons", to_arrow_table(persons))
        con.register("nicknames", to_arrow_table(nicknames))
        return con.sql(PREPARE_SQL).to_arrow_table()
    finally:
        con.close()
