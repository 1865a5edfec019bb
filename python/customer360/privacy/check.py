"""Check the published BI database for personal data that should not be readable there.

    python -m customer360.privacy.check --bi data/customer360_bi.duckdb \
        --private data/customer360.duckdb --manifest target/manifest.json --target-dir target --logs-dir logs
    customer360 privacy-check --bi ... (the same arguments)

Columns whose manifest ``meta`` says ``published_for`` (the account managers' contact data) are the
only place personal data may appear. Everywhere else, any one finding fails the check (exit 1):

- ``unexpected table``: a table or view in the BI file that is not a published dbt model;
- ``raw pii column``: a column tagged ``meta.pii: direct|employee`` without ``published_for``; a text
  column named like a personal field (``*email*``, ``*phone*``, ``*address*``, ``*ssn*``, ``*national_id*``,
  ``*birth*``, ``dob``, a person's ``<role>_name``) without any ``meta.pii`` classification;
- ``email value`` / ``phone value`` / ``ssn value``: a text value that looks like one (several written
  forms; identifier columns ``*_id``/``*_key`` are exempt from the digit-only patterns, since source
  ids are long numbers);
- ``birth date value``: a customer's own birth date in a date column of their row, or any customer's
  birth date written as text (ISO, US or European order) in a text column;
- ``customer name value``: a text value containing a customer's full name (first and last name as
  resolved in the golden records);
- ``unsalted hash``: a hashed column equal to the plain value or its unsalted SHA-256, or an
  ``anonymous:`` id equal to the md5 or SHA-256 of a source record key;
- ``salt leaked``: the PII salt in the BI file or in dbt's artefacts (manifest, compiled SQL, docs) or logs;
- ``email|phone|ssn|full name|birth date with name in artefact``: a personal value of the private file's
  person records in a text file of ``--target-dir`` or ``--logs-dir`` (run_results.json, manifest.json,
  compiled and run SQL, the static docs page, dbt.log …), named by file, place and kind, never printed
  (``customer360.privacy.artefacts``).

List and struct columns are scanned as their text form. The private database (read-only) supplies the
golden records and record keys compared against; the salt is read, never created.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from customer360.privacy import artefacts
from customer360.privacy.reader import connect_bi
from customer360.privacy.salt_plugin import read_salt

PUBLISHED_SCHEMAS = {"marts"}
RAW_PII_LEVELS = {"direct", "employee"}
PERSONAL_COLUMN_NAME = re.compile(
    r"(email|phone|address|ssn|national_id|social_security|birth|^dob$|"
    r"(^|_)(first|last|middle|full|customer|person|contact|owner|supervisor|user|agent|recipient|holder)_name$)"
)
IDENTIFIER_COLUMN_NAME = re.compile(r"(_id|_key|_ids|_keys)$")
TEXT_PATTERNS = {
    "email value": r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
    r"|\b[A-Za-z0-9._\-]+ (at|\[at\]|\(at\)) [A-Za-z0-9\-]+ (dot|\[dot\]|\(dot\)) [A-Za-z]{2,}\b",
    "phone value": r"\(\d{3}\) ?\d{3}[ .\-]\d{4}\b|\b\d{3}[ .\-]\d{3}[ .\-]\d{4}\b|\b\d{3} \d{7}\b"
    r"|\+\d[\d .\-]{6,16}\d\b",
    "ssn value": r"\b\d{3}[ \-]\d{2}[ \-]\d{4}\b",
}
DIGIT_PATTERNS = {  # long digit runs: flagged only outside identifier columns
    "phone value": r"(^|[^0-9A-Za-z:])\d{10}($|[^0-9A-Za-z])",
    "ssn value": r"(^|[^0-9A-Za-z:])\d{9}($|[^0-9A-Za-z])",
}
DATE_TEXT = r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})\b"
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")
GOLDEN = "private.intermediate.int_identity__golden_records"
RECORDS = "private.intermediate.int_identity__records"


@dataclass(frozen=True)
class Finding:
    kind: str
    table: str
    column: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.table}.{self.column} — {self.detail}"


def published_columns(manifest: dict) -> dict[str, dict[str, dict]]:
    """{relation name: {column name: meta}} for every model the manifest puts in the BI database."""
    models: dict[str, dict[str, dict]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("database") != "bi":
            continue
        name = node.get("alias") or node["name"]
        models[name] = {
            column: (spec.get("meta") or {}) | (spec.get("config", {}).get("meta") or {})
            for column, spec in node.get("columns", {}).items()
        }
    return models


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_text(data_type: str) -> bool:
    return data_type.startswith(("VARCHAR", "STRUCT", "MAP", "JSON", "UNION")) or data_type.endswith("[]")


def _as_text(column: str, data_type: str) -> str:
    return _quote(column) if data_type == "VARCHAR" else f"cast({_quote(column)} as varchar)"


def check(
    bi_path: str | Path,
    manifest: dict,
    private_path: str | Path,
    salt: str,
    artefact_dirs: list[Path] | None = None,
) -> list[Finding]:
    """All findings for one BI file (see the module docstring)."""
    findings: list[Finding] = []
    declared = published_columns(manifest)
    bi_con = connect_bi(bi_path)  # the BI file as a reader sees it: read-only, no file access
    objects = bi_con.sql(
        "select schema_name, table_name from duckdb_tables() where not internal union all "
        "select schema_name, view_name from duckdb_views() where not internal order by all"
    ).fetchall()
    for schema, table in objects:
        if schema not in PUBLISHED_SCHEMAS or table not in declared:
            findings.append(Finding("unexpected table", f"{schema}.{table}", "*", "not a published dbt model"))
    columns = bi_con.sql(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() "
        "where not internal order by all"
    ).fetchall()
    bi_con.close()

    scanned: list[tuple[str, str, str, str]] = []
    for schema, table, column, data_type in columns:
        meta = declared.get(table, {}).get(column, {})
        if meta.get("published_for"):
            continue
        if meta.get("pii") in RAW_PII_LEVELS:
            findings.append(Finding("raw pii column", table, column,
                                    f"tagged pii: {meta['pii']} and not published_for anyone"))
        elif _is_text(data_type) and PERSONAL_COLUMN_NAME.search(column.lower()) and "pii" not in meta:
            findings.append(Finding("raw pii column", table, column,
                                    "named like a personal field and not classified (meta.pii)"))
        scanned.append((schema, table, column, data_type))

    con = duckdb.connect(":memory:")
    con.execute(f"attach '{_sql_path(bi_path)}' as bi (read_only)")
    con.execute(f"attach '{_sql_path(private_path)}' as private (read_only)")
    con.execute(f"""create temp table golden_names as
        select distinct lower(first_name || ' ' || last_name) as full_name
        from {GOLDEN} where length(first_name) >= 2 and length(last_name) >= 2""")
    con.execute(f"create temp table birth_dates as select distinct birth_date from {GOLDEN} "
                "where birth_date is not null")
    con.execute(f"""create temp table key_digests as
        select md5(record_key) as digest from {RECORDS}
        union all select sha256(record_key) from {RECORDS}""")

    for schema, table, column, data_type in scanned:
        relation = f"bi.{_quote(schema)}.{_quote(table)}"
        if _is_text(data_type):
            text = _as_text(column, data_type)
            patterns = dict(TEXT_PATTERNS)
            if not IDENTIFIER_COLUMN_NAME.search(column.lower()):
                for kind, pattern in DIGIT_PATTERNS.items():
                    patterns[kind] = f"{patterns[kind]}|{pattern}"
            for kind, pattern in patterns.items():
                hits, example = con.execute(
                    f"select count(*), any_value({text}) from {relation} where regexp_matches({text}, ?)",
                    [pattern],
                ).fetchone()
                if hits:
                    findings.append(Finding(kind, table, column, f"{hits} value(s), e.g. {example[:60]!r}"))
            findings += _text_scans(con, relation, table, column, text, salt)
        elif data_type in DATE_TYPES and _has_customer(columns, schema, table):
            hits = con.execute(
                f"select count(*) from {relation} as published inner join {GOLDEN} as golden "
                f"on published.customer_id = golden.customer_id "
                f"where cast(published.{_quote(column)} as date) = golden.birth_date"
            ).fetchone()[0]
            if hits:
                findings.append(Finding("birth date value", table, column,
                                        f"{hits} row(s) equal the customer's birth date"))
        meta = declared.get(table, {}).get(column, {})
        if meta.get("pii") == "hashed" and _has_customer(columns, schema, table):
            hits = con.execute(
                f"select count(*) from {relation} as published inner join {GOLDEN} as golden "
                f"on published.customer_id = golden.customer_id "
                f"where published.{_quote(column)} in (sha256(lower(trim(golden.email))), "
                f"sha256(lower(trim(golden.phone))), golden.email, golden.phone)"
            ).fetchone()[0]
            if hits:
                findings.append(Finding("unsalted hash", table, column,
                                        f"{hits} value(s) are the plain value or its unsalted SHA-256"))
    con.close()
    for path in artefacts.artefact_files(artefact_dirs or []):
        if salt in path.read_text(encoding="utf-8", errors="ignore"):
            findings.append(Finding("salt leaked", str(path), "*", "the PII salt is in this file"))
    if artefact_dirs:
        findings += artefacts.scan(private_path, artefact_dirs)
    return findings


def _text_scans(con, relation: str, table: str, column: str, text: str, salt: str) -> list[Finding]:
    """Names, birth dates written as text, digests of record keys and the salt in one text column."""
    findings = []
    values = f"(select distinct {text} as value from {relation} where {text} is not null)"
    name_hits, example = con.execute(f"""
        with words as (
            select value, string_split(trim(regexp_replace(lower(value), '[^a-z'']+', ' ', 'g')), ' ') as w
            from {values}
        ),
        pairs as (
            select value, unnest(list_transform(range(1, len(w)), i -> w[i] || ' ' || w[i + 1])) as pair
            from words where len(w) >= 2
        )
        select count(distinct value), any_value(value) from pairs
        inner join golden_names on pairs.pair = golden_names.full_name
    """).fetchone()
    if name_hits:
        findings.append(Finding("customer name value", table, column,
                                f"{name_hits} value(s) hold a customer's full name, e.g. {example[:60]!r}"))
    date_hits, example = con.execute(f"""
        with found as (
            select value, unnest(regexp_extract_all(value, '{DATE_TEXT}')) as written from {values}
        ),
        parsed as (
            select value, coalesce(
                try_strptime(written, '%Y-%m-%d'), try_strptime(written, '%m/%d/%Y'),
                try_strptime(written, '%d/%m/%Y'), try_strptime(written, '%d.%m.%Y')
            )::date as written_date from found
        )
        select count(distinct value), any_value(value) from parsed
        inner join birth_dates on parsed.written_date = birth_dates.birth_date
    """).fetchone()
    if date_hits:
        findings.append(Finding("birth date value", table, column,
                                f"{date_hits} value(s) write a customer's birth date, e.g. {example[:60]!r}"))
    digest_hits = con.execute(
        f"select count(*) from {values} inner join key_digests "
        f"on regexp_replace(value, '^anonymous:', '') = key_digests.digest"
    ).fetchone()[0]
    if digest_hits:
        findings.append(Finding("unsalted hash", table, column,
                                f"{digest_hits} value(s) are the md5 or SHA-256 of a source record key"))
    salt_hits = con.execute(f"select count(*) from {values} where contains(value, ?)", [salt]).fetchone()[0]
    if salt_hits:
        findings.append(Finding("salt leaked", table, column, "the PII salt is a value here"))
    return findings


def _has_customer(columns, schema: str, table: str) -> bool:
    return any(s == schema and t == table and c == "customer_id" for s, t, c, _ in columns)


def _sql_path(path: str | Path) -> str:
    return str(Path(path)).replace("'", "''")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bi", required=True, help="published BI database file")
    parser.add_argument("--private", required=True, help="private database of the same build")
    parser.add_argument("--manifest", default="target/manifest.json")
    parser.add_argument("--target-dir", action="append", default=[],
                        help="dbt artefact folder to search for the salt and personal values (repeatable)")
    parser.add_argument("--logs-dir", action="append", default=[],
                        help="dbt log folder to search for the salt and personal values (repeatable)")


def run(args: argparse.Namespace) -> int:
    manifest = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
    salt = read_salt(args.private)
    folders = [Path(d) for d in [*args.target_dir, *args.logs_dir]]
    findings = check(args.bi, manifest, args.private, salt, folders)
    declared = published_columns(manifest)
    published = sum(len(c) for c in declared.values())
    print(f"BI file {args.bi}: {len(declared)} published models, {published} declared columns")
    for finding in findings:
        print(f"  FAIL {finding}")
    if findings:
        print(f"privacy check FAILED: {len(findings)} finding(s)")
        return 1
    print("privacy check passed: no personal data outside the columns published for account managers; "
          f"neither the salt nor a person's values in {', '.join(map(str, folders)) or 'no artefact folder'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
