"""Which of the model's columns the data at hand can use.

A column takes part in matching when enough records carry it: a company whose exports have no email or
phone gets a model without those comparisons, and one whose exports carry a national id gets a model
with it. The profile (share of records with a value, distinct values) is also the data's fingerprint: a
pinned model is checked against it (``training.fingerprint_drift``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .settings import MATCH_COLUMNS

#: A column is usable when at least this share of the records carry a value ...
MIN_SHARE = 0.01
#: ... and at least this many records, with at least two distinct values.
MIN_RECORDS = 10

#: Derived columns that follow another column (present when it is).
DERIVED_FROM = {"first_name_canonical": "first_name", "first_name_keys": "first_name", "first_name_is_known": "first_name"}


@dataclass(frozen=True)
class ColumnProfile:
    column: str
    records: int
    non_null: int
    distinct: int

    @property
    def share(self) -> float:
        return self.non_null / self.records if self.records else 0.0

    @property
    def is_usable(self) -> bool:
        return self.share >= MIN_SHARE and self.non_null >= MIN_RECORDS and self.distinct >= 2


def profile(records: pa.Table) -> dict[str, ColumnProfile]:
    """Share of records with a value and distinct values of every model column (derived ones excluded)."""
    columns = [c for c in MATCH_COLUMNS if c not in DERIVED_FROM and c in records.column_names]
    if not columns:
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        select = ", ".join(f"count({c}), count(distinct {c})" for c in columns)
        row = con.sql(f"select count(*), {select} from records").fetchone()
    finally:
        con.close()
    n = row[0]
    return {
        c: ColumnProfile(c, n, row[1 + 2 * i], row[2 + 2 * i]) for i, c in enumerate(columns)
    }


def usable_columns(records: pa.Table) -> list[str]:
    """The model columns the data can use, derived ones included when their source is usable."""
    usable = [c for c, p in profile(records).items() if p.is_usable]
    return usable + [c for c, source in DERIVED_FROM.items() if source in usable]
