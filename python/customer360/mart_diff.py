"""Compare the published marts of two BI files, table by table: columns, row count, hash of the sorted rows.

    python -m customer360.mart_diff before_bi.duckdb after_bi.duckdb

For refactors that must not change what is published (moving SQL between models, renaming intermediate
models): build the same landing data twice with the as-of date fixed (``--vars '{lifecycle_as_of_date:
"2026-06-30"}'``, so "today" cannot move) and the same PII salt (``CUSTOMER360_PII_SALT``, so hashed
columns agree), then compare. A row's text is DuckDB's rendering of the whole row as a struct; the hash
is the md5 of the rows' md5s sorted and joined, so row order does not matter and any changed value does
(and a table of millions of rows is hashed in 32 bytes a row, not in one string of all its rows' text).
Exit status 1 when a table differs or exists in one file only.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMA = "marts"


@dataclass(frozen=True)
class TableSummary:
    columns: tuple[tuple[str, str], ...]  # (name, type) in table order
    row_count: int
    rows_md5: str  # md5 of the sorted row md5s


def summarise(path: Path, schema: str = SCHEMA, tables: tuple[str, ...] | None = None) -> dict[str, TableSummary]:
    """Every table of ``schema`` in the DuckDB file at ``path`` (opened read-only), or only those of ``tables``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
            "order by table_name", [schema]).fetchall()]
        wanted = found if tables is None else [table for table in found if table in tables]
        out = {}
        for table in wanted:
            columns = tuple(con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall())
            count, digest = con.execute(
                f"select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), '')) "
                f'from (select md5(cast(t as varchar)) as row_md5 from "{schema}"."{table}" as t)'
            ).fetchone()
            out[table] = TableSummary(columns, int(count), digest)
        return out
    finally:
        con.close()


def compare(before: dict[str, TableSummary], after: dict[str, TableSummary]) -> list[tuple[str, str, str]]:
    """(table, verdict, detail) for every table of either side; verdict is ``same`` or what differs."""
    rows = []
    for table in sorted(set(before) | set(after)):
        a, b = before.get(table), after.get(table)
        if a is None or b is None:
            rows.append((table, "only after" if a is None else "only before", ""))
        elif a.columns != b.columns:
            rows.append((table, "columns differ", f"{list(a.columns)} != {list(b.columns)}"))
        elif a.row_count != b.row_count:
            rows.append((table, "row count differs", f"{a.row_count} != {b.row_count}"))
        elif a.rows_md5 != b.rows_md5:
            rows.append((table, "rows differ", f"{a.rows_md5} != {b.rows_md5}"))
        else:
            rows.append((table, "same", f"{a.row_count} rows, md5 {a.rows_md5}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.mart_diff", description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="BI file built before the change")
    parser.add_argument("after", type=Path, help="BI file built after the change")
    parser.add_argument("--schema", default=SCHEMA, help=f"schema of the published tables (default {SCHEMA})")
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.exists():
            print(f"{path} does not exist", file=sys.stderr)
            return 2
    rows = compare(summarise(args.before, args.schema), summarise(args.after, args.schema))
    width = max((len(table) for table, _, _ in rows), default=5)
    for table, verdict, detail in rows:
        print(f"{table:<{width}}  {verdict:<17}  {detail}")
    different = [table for table, verdict, _ in rows if verdict != "same"]
    print(f"{len(rows)} tables, {len(rows) - len(different)} the same, {len(different)} different"
          + (f": {', '.join(different)}" if different else ""))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
