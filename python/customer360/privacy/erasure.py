"""Erasure on request (the right to be forgotten): ``customer360 erase --customer-id … | --email …``.

Landing files are the source systems' exports and cannot be edited on every request, so the erasure
happens in the build. This command, run on an installation whose private database holds a build:

1. **Finds her records.** By customer id: every source record the crosswalk (``int_identity__crosswalk``)
   puts in that customer. By email: every person record whose email (lower-cased, trimmed) is that email
   (``int_conform__persons``); the customers those records belong to are printed, so the whole customer
   can be erased by id.
2. **Finds her source rows**: those records, every event row that belongs to them
   (``int_conform__events``: the person record it belongs to, or its own record), and, through the
   contract's required references (``meta.references``), every row that cannot exist without one of
   them (an order's lines, an invoice's payments and their refunds, a ticket's comments …), and the rows
   of a table marked ``meta.erase_with_referrers`` (a CRM household account, named after her) that only
   her rows refer to. A row that
   the crosswalk puts in *another* customer is never erased: a row that only refers to her keeps its
   row, and the build empties the reference.
3. **Records the request in the erasure ledger** (``<private database>.erasure_ledger.csv`` beside the
   salt file, var ``erasure_ledger_path`` elsewhere): one line per source row, holding only the salted
   hash (macro ``pii_hash``: SHA-256 of ``<salt>:<lower(trim(key))>``) of its key
   ``<system>:<table>:<primary key>``, plus one line with the hash of what was asked (customer id or
   email). No value of hers is written.
4. **Purges history now**: her rows in the identity snapshot (``snp_identity__customer_ids``), the
   previous assignment the clustering carries ids over from (``int_identity__clusters``) and the
   incremental timeline of the BI file (``marts.fct_customer_events``); lines of ``target/`` and
   ``logs/`` files that hold one of her distinctive values (email, phone, national id, name, keys) have
   the value replaced by ``[erased]``.

Every later build's landing step (macro ``land_sources``) drops the ledger's rows, and rows that require
them, before staging, counting them in ``landing.files.erased_row_count``; the next build removes her
from every other table. ``customer360 erase --compact``, run after that build, rewrites both DuckDB files
without their free blocks (where the bytes of deleted rows remain until reused). Nothing of her data is
printed but counts (and the customer ids asked about).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..landing.contract import read_contract
from .database_files import STORAGE_VERSION as BI_STORAGE_VERSION
from .salt_plugin import read_salt

LEDGER_COLUMNS = ("request_id", "requested_at", "key_kind", "source_system", "source_table", "key_hash")
REDACTED = "[erased]"
#: Person fields whose values are looked for in target/ and logs/ (with the record keys and ids).
PERSON_VALUE_COLUMNS = ("email_as_given", "email", "phone_as_given", "phone_e164", "national_id")
#: Text files of target/ and logs/ larger than this are still scanned (line by line); binary files are skipped.
BINARY_SNIFF_BYTES = 4096


def ledger_path_for(database_path: str | os.PathLike) -> Path:
    """The default ledger of a private database: ``<db>.erasure_ledger.csv`` (beside its salt file)."""
    return Path(f"{database_path}.erasure_ledger.csv")


def bi_path_for(database_path: str) -> str:
    """The BI file of a private database, as profiles.yml derives it."""
    return os.environ.get("CUSTOMER360_BI_DB_PATH") or database_path.replace(".duckdb", "_bi.duckdb")


def key_hash(salt: str, key: str) -> str:
    """The salted hash the build computes with macro ``pii_hash``: sha256 of ``<salt>:<lower(trim(key))>``."""
    return hashlib.sha256(f"{salt}:{key.strip().lower()}".encode("utf-8")).hexdigest()


def split_key(record_key: str) -> tuple[str, str, str]:
    """``'<system>:<table>:<id>'`` → (system, table, id); the id may itself hold colons."""
    system, table, source_id = record_key.split(":", 2)
    return system, table, source_id


@dataclass
class ErasurePlan:
    """What one request erases: counts are all that is ever printed."""

    customer_ids: list[str]
    record_keys: set[str]  # her identity records (crosswalk / person records)
    source_rows: set[str] = field(default_factory=set)  # every '<system>:<table>:<id>' row to erase
    kept_referring_rows: int = 0  # rows kept that refer to one of hers: the build empties the reference
    #: rows of other customers that *require* one of her rows: not in the ledger, but the build's cascade
    #: drops them (none in the contract today; printed so that it is never silent)
    required_conflicts: int = 0
    values: set[str] = field(default_factory=set)  # distinctive values, for the artefact scan (memory only)

    def rows_by_table(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for key in self.source_rows:
            system, table, _ = split_key(key)
            counts[f"{system}.{table}"] += 1
        return dict(sorted(counts.items()))


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0])


def _schema_of(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? order by table_schema limit 1",
        [table],
    ).fetchone()
    return row[0] if row else None


def _relation(con: duckdb.DuckDBPyConnection, table: str) -> str:
    schema = _schema_of(con, table)
    if schema is None:
        raise SystemExit(f"erase: {table} is not in the private database; build it first (dbt build)")
    return f'"{schema}"."{table}"'


def plan_erasure(con: duckdb.DuckDBPyConnection, project_dir: Path, *, customer_id: str | None = None,
                 email: str | None = None) -> ErasurePlan:
    """Her records and source rows in the build held by ``con`` (the private database)."""
    crosswalk = _relation(con, "int_identity__crosswalk")
    persons = _relation(con, "int_conform__persons")
    events = _relation(con, "int_conform__events")
    if customer_id is not None:
        keys = {r[0] for r in con.execute(
            f"select record_key from {crosswalk} where customer_id = ?", [customer_id.strip()]).fetchall()}
        if not keys:
            merged = _schema_of(con, "int_identity__customer_id_merges")
            survivor = con.execute(
                f'select surviving_customer_id from "{merged}".int_identity__customer_id_merges '
                "where retired_customer_id = ?", [customer_id.strip()]).fetchall() if merged else []
            hint = f"; it was merged into {', '.join(sorted(r[0] for r in survivor))}" if survivor else ""
            raise SystemExit(f"erase: customer id {customer_id.strip()} is not in the crosswalk of this build{hint}")
        customer_ids = [customer_id.strip()]
    else:
        wanted = (email or "").strip().lower()
        keys = {r[0] for r in con.execute(
            f"select record_key from {persons} where lower(trim(email)) = ? or lower(trim(email_as_given)) = ?",
            [wanted, wanted]).fetchall()}
        if not keys:
            raise SystemExit("erase: no person record of this build has that email")
        customer_ids = sorted({r[0] for r in con.execute(
            f"select distinct customer_id from {crosswalk} where list_contains(?, record_key)",
            [sorted(keys)]).fetchall()})
    plan = ErasurePlan(customer_ids=customer_ids, record_keys=keys)
    con.execute("create or replace temp table erasure_records as select unnest(?) as record_key", [sorted(keys)])
    # rows resolved to someone else are never erased (they keep their row; the build empties the reference)
    con.execute(f"""
        create or replace temp table erasure_others as
        select record_key from {crosswalk}
        where record_key not in (select record_key from erasure_records)
    """)
    rows = {r[0] for r in con.execute(f"""
        select record_key from erasure_records
        union
        -- the source customer keys her records are or point to (a marketing recipient, a billing customer,
        -- a loyalty card): rows that require one of them, now or in a later export, are hers
        select persons.source_customer_key from {persons} as persons
        where persons.record_key in (select record_key from erasure_records)
          and persons.source_customer_key is not null
          and persons.source_customer_key not in (
              select others.source_customer_key from {persons} as others
              where others.record_key in (select record_key from erasure_others)
                and others.source_customer_key is not null
          )
        union
        select events.record_key from {events} as events
        where (events.person_record_key in (select record_key from erasure_records)
               or events.record_key in (select record_key from erasure_records))
          and events.record_key not in (select record_key from erasure_others)
    """).fetchall()}
    # the rows that require one of them, through the contract's required references, to a fixed point
    tables = [t for s in read_contract(project_dir) for t in s.tables if t.primary_key]
    present = [t for t in tables if _table_exists(con, f"raw_{t.system}", t.name)]
    # rows that name one of her records or her customer id (meta.erase_if_names_her: a steward's
    # correction about her record, with who filed it and why)
    names_her = sorted({k.lower() for k in keys} | {c.lower() for c in customer_ids})
    for t in present:
        for column in t.columns:
            if column.erase_if_names_her:
                rows |= {r[0] for r in con.execute(
                    f"select '{t.system}:{t.name}:' || trim(cast(\"{t.primary_key}\" as varchar)) "
                    f'from raw_{t.system}."{t.name}" '
                    f'where list_contains(?, lower(trim(cast("{column.name}" as varchar))))', [names_her]).fetchall()}
    conflicts: set[str] = set()
    for _ in range(len(present) + 1):
        con.execute("create or replace temp table erasure_rows as select unnest(?) as record_key", [sorted(rows)])
        added: set[str] = set()
        for t in present:
            for column in t.columns:
                if not column.required:
                    continue
                for referenced in column.references:
                    added |= {r[0] for r in con.execute(_referring_rows_sql(t, column.name, referenced)).fetchall()}
        added |= _parents_only_hers(con, present, rows)
        added -= rows
        others = _others(con, added)
        conflicts |= others
        added -= others
        if not added:
            break
        rows |= added
    # rows kept (resolved elsewhere, or not hers) whose optional reference points to one of her rows
    con.execute("create or replace temp table erasure_rows as select unnest(?) as record_key", [sorted(rows)])
    referring: set[str] = set()
    for t in present:
        for column in t.columns:
            if column.required:
                continue
            for referenced in column.references:
                referring |= {r[0] for r in con.execute(_referring_rows_sql(t, column.name, referenced)).fetchall()}
    plan.kept_referring_rows = len(referring - rows)
    plan.required_conflicts = len(conflicts)
    plan.source_rows = rows
    plan.values = _distinctive_values(con, persons, keys, customer_ids)
    return plan


def _referring_rows_sql(table, column: str, referenced: str) -> str:
    """Keys of the landed rows of ``table`` whose ``column`` holds the key of a row in erasure_rows."""
    return f"""
        select '{table.system}:{table.name}:' || trim(cast("{table.primary_key}" as varchar)) as record_key
        from raw_{table.system}."{table.name}"
        where '{referenced.replace('.', ':')}:' || trim(cast("{column}" as varchar))
              in (select record_key from erasure_rows)
    """


def _parents_only_hers(con: duckdb.DuckDBPyConnection, tables, rows: set[str]) -> set[str]:
    """Rows of tables marked ``meta.erase_with_referrers`` (a CRM household account: her name, phone and
    address) that her rows refer to and no other landed row does. ``erasure_rows`` must hold ``rows``."""
    owned = {t.key for t in tables if t.erase_with_referrers}
    if not owned:
        return set()
    by_hers: set[str] = set()
    by_others: set[str] = set()
    for t in tables:
        for column in t.columns:
            for referenced in column.references:
                if referenced not in owned:
                    continue
                prefix = referenced.replace(".", ":") + ":"
                own_key = f"'{t.system}:{t.name}:' || trim(cast(\"{t.primary_key}\" as varchar))"
                for (key, is_hers) in con.execute(f"""
                    select distinct '{prefix}' || trim(cast("{column.name}" as varchar)),
                           {own_key} in (select record_key from erasure_rows)
                    from raw_{t.system}."{t.name}"
                    where nullif(trim(cast("{column.name}" as varchar)), '') is not null
                """).fetchall():
                    (by_hers if is_hers else by_others).add(key)
    existing: set[str] = set()
    for t in tables:
        if t.key in owned:
            existing |= {r[0] for r in con.execute(
                f"select '{t.system}:{t.name}:' || trim(cast(\"{t.primary_key}\" as varchar)) "
                f'from raw_{t.system}."{t.name}"').fetchall()}
    return (by_hers - by_others) & existing


def _others(con: duckdb.DuckDBPyConnection, keys: set[str]) -> set[str]:
    return {r[0] for r in con.execute(
        "select record_key from erasure_others where list_contains(?, record_key)", [sorted(keys)]).fetchall()}


def _distinctive_values(con, persons: str, keys: set[str], customer_ids: list[str]) -> set[str]:
    """Her values worth looking for in artefacts: emails, phones, national ids, full names, keys, ids."""
    columns = ", ".join(PERSON_VALUE_COLUMNS + ("first_name", "last_name"))
    values: set[str] = set(keys) | set(customer_ids)
    for row in con.execute(f"select {columns} from {persons} where list_contains(?, record_key)",
                           [sorted(keys)]).fetchall():
        *single, first, last = row
        values.update(str(v).strip() for v in single if v is not None and len(str(v).strip()) >= 5)
        if first and last:
            values.add(f"{first} {last}")
    for key in keys:
        source_id = split_key(key)[2]
        if len(source_id) >= 5:
            values.add(source_id)
    return {v for v in values if v}


def append_ledger(path: Path, salt: str, plan: ErasurePlan, request_kind: str, request_value: str,
                  now: dt.datetime | None = None) -> str:
    """Append the request to the ledger (created owner-only); returns the request id."""
    now = now or dt.datetime.now(dt.timezone.utc)
    request_id = "erasure-" + now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)
    requested_at = now.replace(tzinfo=None).isoformat(timespec="seconds")
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(LEDGER_COLUMNS)
        writer.writerow([request_id, requested_at, f"requested_{request_kind}", "request", request_kind,
                         key_hash(salt, request_value)])
        for key in sorted(plan.source_rows):
            system, table, source_id = split_key(key)
            writer.writerow([request_id, requested_at, "source_row", system, table, key_hash(salt, key)])
    return request_id


def purge_history(con: duckdb.DuckDBPyConnection, bi_path: str | None, plan: ErasurePlan) -> dict[str, int]:
    """Delete her rows from the tables a rebuild does not recreate from the landing files, and the stored
    match model trained on them."""
    purged: dict[str, int] = {}
    con.execute("create or replace temp table erasure_rows as select unnest(?) as record_key",
                [sorted(plan.source_rows | plan.record_keys)])
    for table, condition in (
        ("snp_identity__customer_ids", "record_key in (select record_key from erasure_rows)"),
        ("int_identity__clusters", "record_key in (select record_key from erasure_rows)"),
        # the match model was trained on her records too: discarded, so the next build trains it again
        # without them rather than reusing it (DECISIONS §46)
        ("int_identity__match_model", "true"),
        # kept with the model and read by the next build's scoring (DECISIONS §88): her values, pairs and
        # record states go with it, so the next build counts and scores everything again without her
        ("int_identity__term_frequencies", "true"),
        ("int_identity__scored_pairs",
         "record_key_a in (select record_key from erasure_rows) or record_key_b in (select record_key from erasure_rows)"),
        ("int_identity__scored_records", "unique_id in (select record_key from erasure_rows)"),
    ):
        schema = _schema_of(con, table)
        if schema is None:
            continue
        purged[f"{schema}.{table}"] = con.execute(f'delete from "{schema}"."{table}" where {condition}').fetchone()[0]
    con.execute("checkpoint")
    if bi_path and Path(bi_path).exists():
        bi = duckdb.connect(bi_path)
        try:
            bi.execute("create temp table erasure_rows as select unnest(?) as record_key",
                       [sorted(plan.source_rows | plan.record_keys)])
            if _table_exists(bi, "marts", "fct_customer_events"):
                purged["bi marts.fct_customer_events"] = bi.execute(
                    "delete from marts.fct_customer_events where list_contains(?, customer_id) "
                    "or record_key in (select record_key from erasure_rows) "
                    "or person_record_key in (select record_key from erasure_rows)",
                    [plan.customer_ids]).fetchone()[0]
            bi.execute("checkpoint")
        finally:
            bi.close()
    return purged


def _is_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        return b"\0" not in handle.read(BINARY_SNIFF_BYTES)


def redact_artefacts(directories: list[Path], values: set[str]) -> tuple[int, int, int]:
    """Replace her values in the text files under ``directories``: (files scanned, files changed, values replaced)."""
    if not values:
        return 0, 0, 0
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)), re.IGNORECASE)
    scanned = changed = replaced = 0
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            if not _is_text(path):
                continue
            scanned += 1
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            new, count = pattern.subn(REDACTED, text)
            if count:
                path.write_text(new, encoding="utf-8", errors="surrogateescape")
                changed += 1
                replaced += count
    return scanned, changed, replaced


def compact_database(path: str | os.PathLike, storage_version: str | None = None) -> tuple[int, int]:
    """Rewrite a DuckDB file without its free blocks: a deleted or replaced row's bytes stay in the file
    until DuckDB reuses the block, so after the build that follows an erasure her values are still in
    the file, though in no table. Copies every schema, table, view and macro into a fresh file
    (``COPY FROM DATABASE``), gives it the old file's mode and renames it over the old one (atomic; a
    reader holding the old file keeps reading it). Returns the sizes (before, after) in bytes."""
    path = Path(path)
    catalog = path.stem
    fresh = path.with_name(f"{catalog}.compacting{path.suffix}")
    for leftover in (fresh, Path(f"{fresh}.wal")):
        leftover.unlink(missing_ok=True)
    before = path.stat().st_size
    con = duckdb.connect()
    try:
        con.execute(f"attach '{_sql_text(path)}' as \"{catalog}\" (read_only)")
        options = f", storage_version '{storage_version}'" if storage_version else ""
        con.execute(f"attach '{_sql_text(fresh)}' as erasure_compacted (read_only false{options})")
        con.execute(f'copy from database "{catalog}" to erasure_compacted')
        con.execute("detach erasure_compacted")
    finally:
        con.close()
    os.chmod(fresh, path.stat().st_mode & 0o777)
    os.replace(fresh, path)
    Path(f"{path}.wal").unlink(missing_ok=True)
    return before, path.stat().st_size


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer-id", help="erase this customer (every source record the crosswalk puts in it)")
    who.add_argument("--email", help="erase every person record with this email (and what belongs to them)")
    who.add_argument("--compact", action="store_true",
                     help="after the build that follows an erasure: rewrite the private and BI files without the "
                          "free blocks that still hold deleted rows' bytes")
    parser.add_argument("--db", default=os.environ.get("CUSTOMER360_DB_PATH", "data/customer360.duckdb"),
                        help="private database of the last build (default: $CUSTOMER360_DB_PATH or "
                             "data/customer360.duckdb)")
    parser.add_argument("--bi", default=None, help="BI file (default: as profiles.yml derives it from --db)")
    parser.add_argument("--ledger", default=None,
                        help="erasure ledger (default: <db>.erasure_ledger.csv; pass the same path to dbt as "
                             "var erasure_ledger_path if you move it)")
    parser.add_argument("--project-dir", default=".", help="the dbt project (for the raw-data contract)")
    parser.add_argument("--target-dir", default="target", help="dbt's target/ directory to clean of her values")
    parser.add_argument("--logs-dir", default="logs", help="dbt's logs/ directory to clean of her values")
    parser.add_argument("--dry-run", action="store_true", help="print what would be erased; change nothing")


def run(args: argparse.Namespace) -> int:
    db = str(args.db)
    if not Path(db).exists():
        raise SystemExit(f"erase: no private database at {db}; build first (its crosswalk finds her records)")
    if args.compact:
        for path, version in ((db, None), (args.bi or bi_path_for(db), BI_STORAGE_VERSION)):
            if Path(path).exists():
                before, after = compact_database(path, version)
                print(f"erase: {path} rewritten without free blocks ({before:,} -> {after:,} bytes)")
        return 0
    salt = read_salt(db)
    con = duckdb.connect(db, read_only=bool(args.dry_run))
    try:
        plan = plan_erasure(con, Path(args.project_dir), customer_id=args.customer_id, email=args.email)
        by_table = plan.rows_by_table()
        print(f"erase: {len(plan.record_keys)} record(s) of {len(plan.customer_ids)} customer(s) "
              f"({', '.join(plan.customer_ids)}); {len(plan.source_rows)} source row(s) in "
              f"{len(by_table)} table(s); {plan.kept_referring_rows} other row(s) refer to one of hers "
              "(kept, the build empties the reference)")
        if plan.required_conflicts:
            print(f"erase: warning: {plan.required_conflicts} row(s) of other customers require one of her rows; "
                  "the build will leave them out too (see landing.files.erased_row_count)")
        for table, count in by_table.items():
            print(f"  {table}: {count}")
        if args.dry_run:
            print("erase: dry run, nothing changed")
            return 0
        ledger = Path(args.ledger) if args.ledger else ledger_path_for(db)
        kind, value = ("customer_id", args.customer_id) if args.customer_id else ("email", args.email)
        request_id = append_ledger(ledger, salt, plan, kind, value)
        print(f"erase: request {request_id} recorded in {ledger} ({len(plan.source_rows) + 1} hashed key(s))")
        purged = purge_history(con, args.bi or bi_path_for(db), plan)
    finally:
        con.close()
    for table, count in purged.items():
        print(f"  purged {count} row(s) from {table}")
    scanned, changed, replaced = redact_artefacts([Path(args.target_dir), Path(args.logs_dir)], plan.values)
    print(f"erase: {scanned} file(s) of {args.target_dir}/ and {args.logs_dir}/ scanned, {replaced} value(s) "
          f"replaced in {changed} file(s)")
    print("erase: now rebuild (make build, or dbt build with the same vars): the build drops her rows at "
          "landing and every table is rebuilt without her; then run customer360 erase --compact, so that "
          "the bytes of her deleted rows leave the DuckDB files too")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.privacy.erasure", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
