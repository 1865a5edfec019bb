"""Check the published BI database for personal data that should not be readable there.

    python -m customer360.privacy.check --bi data/customer360_bi.duckdb \
        --private data/customer360.duckdb --manifest target/manifest.json --target-dir target

Findings (any one fails the check, exit status 1):
- ``unexpected table``: a table in the BI file that is not a published dbt model (schema ``marts``);
- ``raw pii column``: a column tagged ``meta.pii: direct|employee`` without ``meta.published_for``,
  or a column named like a raw identifier (email, phone, ssn, birth_date, first/last/full name,
  street line) that the manifest does not declare as published;
- ``email value`` / ``phone value`` / ``ssn value``: a text value that looks like one, in a column not
  declared as published for account managers;
- ``birth date value``: a date column holding the customer's own birth date (compared with the
  private golden record);
- ``unsalted hash``: a hashed column equal to the plain SHA-256 of the private value;
- ``salt leaked``: the PII salt found in the BI file or in dbt's artefacts (manifest, compiled SQL,
  docs).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from customer360.privacy.reader import connect_bi
from customer360.privacy.salt_plugin import resolve_salt

PUBLISHED_SCHEMAS = {"marts"}
RAW_PII_LEVELS = {"direct", "employee"}
RAW_IDENTIFIER_NAMES = {
    "email", "phone", "ssn", "social_security_number", "birth_date", "date_of_birth", "first_name",
    "last_name", "full_name", "middle_name", "address_line_1", "address_line_2", "street",
}
VALUE_PATTERNS = {
    "email value": r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    "phone value": r"(\+1\d{10}\b|\(?\b\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}\b)",
    "ssn value": r"\b\d{3}-\d{2}-\d{4}\b",
}
TEXT_TYPES = ("VARCHAR",)
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


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


def check(
    bi_path: str | Path,
    manifest: dict,
    private_path: str | Path | None = None,
    salt: str | None = None,
    artefact_dirs: list[Path] | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    declared = published_columns(manifest)
    con = connect_bi(bi_path)
    tables = con.sql(
        "select schema_name, table_name from duckdb_tables() where not internal order by all"
    ).fetchall()
    views = con.sql(
        "select schema_name, view_name from duckdb_views() where not internal order by all"
    ).fetchall()
    for schema, table in tables + views:
        if schema not in PUBLISHED_SCHEMAS or table not in declared:
            findings.append(Finding("unexpected table", f"{schema}.{table}", "*",
                                    "not a published dbt model"))
    columns = con.sql(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() "
        "where not internal order by all"
    ).fetchall()
    allowed: set[tuple[str, str]] = set()
    for schema, table, column, data_type in columns:
        meta = declared.get(table, {}).get(column, {})
        if meta.get("published_for"):
            allowed.add((table, column))
            continue
        if meta.get("pii") in RAW_PII_LEVELS:
            findings.append(Finding("raw pii column", table, column,
                                    f"tagged pii: {meta['pii']} and not published_for anyone"))
        elif column.lower() in RAW_IDENTIFIER_NAMES:
            findings.append(Finding("raw pii column", table, column,
                                    "named like a raw identifier, not declared as published"))
    relation = {}
    for schema, table, column, data_type in columns:
        relation[table] = f"{_quote(schema)}.{_quote(table)}"
        if (table, column) in allowed or not data_type.startswith(TEXT_TYPES):
            continue
        for kind, pattern in VALUE_PATTERNS.items():
            hits, example = con.execute(
                f"select count(*), any_value({_quote(column)}) from {relation[table]} "
                f"where regexp_matches({_quote(column)}, ?)",
                [pattern],
            ).fetchone()
            if hits:
                findings.append(Finding(kind, table, column,
                                        f"{hits} value(s) look like one, e.g. {example[:60]!r}"))
    if salt:
        for schema, table, column, data_type in columns:
            if not data_type.startswith(TEXT_TYPES):
                continue
            hits = con.execute(
                f"select count(*) from {relation[table]} where contains({_quote(column)}, ?)", [salt]
            ).fetchone()[0]
            if hits:
                findings.append(Finding("salt leaked", table, column, "the PII salt is a value here"))
    con.close()
    if private_path is not None:
        findings += _compare_with_private(bi_path, private_path, columns, declared)
    if salt:
        for folder in artefact_dirs or []:
            for path in Path(folder).rglob("*"):
                if path.is_file() and path.suffix in {".json", ".sql", ".html", ".md", ".txt", ".yml"}:
                    if salt in path.read_text(encoding="utf-8", errors="ignore"):
                        findings.append(Finding("salt leaked", str(path), "*", "the PII salt is in this file"))
    return findings


def _compare_with_private(bi_path, private_path, columns, declared) -> list[Finding]:
    """Birth dates and unsalted hashes, compared with the private golden records."""
    findings: list[Finding] = []
    con = duckdb.connect(str(private_path), read_only=True)
    con.execute(f"attach '{Path(bi_path)}' as bi_check (read_only)")
    golden = "intermediate.int_identity__golden_records"
    by_table: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in columns:
        by_table.setdefault((schema, table), []).append((column, data_type))
    for (schema, table), cols in by_table.items():
        names = {c for c, _ in cols}
        rel = f"bi_check.{_quote(schema)}.{_quote(table)}"
        if "customer_id" not in names:
            continue
        for column, data_type in cols:
            if (declared.get(table, {}).get(column, {}) or {}).get("published_for"):
                continue
            if data_type in DATE_TYPES:
                hits = con.execute(
                    f"select count(*) from {rel} as published inner join {golden} as golden "
                    f"on published.customer_id = golden.customer_id "
                    f"where cast(published.{_quote(column)} as date) = golden.birth_date"
                ).fetchone()[0]
                if hits:
                    findings.append(Finding("birth date value", table, column,
                                            f"{hits} row(s) equal the customer's birth date"))
            meta = declared.get(table, {}).get(column, {})
            if meta.get("pii") == "hashed" and data_type.startswith(TEXT_TYPES):
                hits = con.execute(
                    f"select count(*) from {rel} as published inner join {golden} as golden "
                    f"on published.customer_id = golden.customer_id "
                    f"where published.{_quote(column)} in ("
                    f"sha256(lower(trim(golden.email))), sha256(lower(trim(golden.phone))), "
                    f"golden.email, golden.phone)"
                ).fetchone()[0]
                if hits:
                    findings.append(Finding("unsalted hash", table, column,
                                            f"{hits} value(s) are the plain value or its unsalted SHA-256"))
    con.close()
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bi", required=True, help="published BI database file")
    parser.add_argument("--private", help="private database (for birth dates, hashes and the salt file)")
    parser.add_argument("--manifest", default="target/manifest.json")
    parser.add_argument("--target-dir", action="append", default=[],
                        help="dbt artefact folder to search for the salt (repeatable)")
    args = parser.parse_args(argv)
    manifest = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
    salt = resolve_salt(args.private) if args.private else None
    findings = check(args.bi, manifest, args.private, salt, [Path(d) for d in args.target_dir])
    declared = published_columns(manifest)
    published = sum(len(c) for c in declared.values())
    print(f"BI file {args.bi}: {len(declared)} published models, {published} declared columns")
    for finding in findings:
        print(f"  FAIL {finding}")
    if findings:
        print(f"privacy check FAILED: {len(findings)} finding(s)")
        return 1
    print("privacy check passed: no raw PII outside the columns published for account managers; "
          "salt not found in the BI file or dbt artefacts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
