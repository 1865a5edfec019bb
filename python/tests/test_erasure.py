"""Erasure on request, end to end (marker ``erasure``, ``make erasure-test``; three dbt builds of 60 customers).

Generate 60 customers, build, choose a customer with records in several systems whose email, phone,
national id and full name are hers alone, ``customer360 erase --customer-id`` her, build again,
``customer360 erase --compact``, build a third time, then:

- no byte of either DuckDB file (free blocks included) holds one of her values of 8 characters or more,
  after the compaction and after the third build;
- no table of either DuckDB file (every schema: raw, landing, staging, intermediate, quarantine,
  snapshots, marts) holds one of her values — email, phone (as given and E.164), national id, her first
  and last name in one row, her birth date in a row with her last name — or one of her keys (record
  keys, source ids, customer id); no text file of ``target/`` or ``logs/`` holds a value or key of hers;
- the landing audit counts her rows as erased (every erased row accounted for, none silently gone);
- every other customer's rows are identical before and after, in every BI table with a ``customer_id``
  and in the crosswalk, except the documented aggregates (README, "Erasing a customer"): RFM scores and
  segments (ranks over all customers), CLV (a model fitted over all customers), household figures, and
  the identity model's weights (trained on every record): the explanations are compared on which record
  belongs to which customer, not on the pairs and weights the retrained model gives.

It prints the figures: tables, rows and artefacts checked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from customer360.privacy.erasure import key_hash
from customer360.privacy.salt_plugin import read_salt

pytestmark = pytest.mark.erasure

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CUSTOMERS = 60
AS_OF = "2026-06-30"

#: Columns whose values depend on every customer (documented in README, "Erasing a customer").
AGGREGATE_COLUMNS = {
    # RFM: ranks over every buying customer
    "recency_score", "frequency_score", "monetary_score", "rfm_score", "rfm_segment",
    # CLV: BG/NBD and Gamma-Gamma fitted over every customer
    "clv_usd", "clv_model_status", "expected_purchase_count", "probability_alive", "expected_average_purchase_usd",
    # households: the household she lived in
    "household_id", "household_customer_count",
    # identity: the match model is trained on every record of the build; weights and link counts move,
    # the customer a record belongs to must not (customer_id is compared)
    "max_match_weight", "probabilistic_link_count",
}
#: Tables whose rows are model output per pair (which pairs were scored as links, their weights and
#: ranks): compared on the columns that do not depend on the model, as distinct rows.
MODEL_PAIR_TABLES = {
    "customer_record_explanations": ("customer_id", "record_key", "source_system", "source_table",
                                     "customer_record_count"),
}


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER360_")}
    env.update(DBT_PROFILES_DIR=str(ROOT), CUSTOMER360_DB_PATH=str(work / "c360.duckdb"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


def build(work: Path) -> None:
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--vars", json.dumps({"raw_path": str(work / "raw"), "lifecycle_as_of_date": AS_OF}),
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"],
        cwd=ROOT, env=_env(work), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def choose_subject(db: Path) -> dict:
    """A customer with records in several systems whose identifying values no other customer has."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""
            with persons as (
                select crosswalk.customer_id, persons.*
                from intermediate.int_conform__persons as persons
                inner join intermediate.int_identity__crosswalk as crosswalk using (record_key)
            ),
            values_of as (
                select customer_id, lower(v) as v from (
                    select customer_id, unnest([email, phone_e164, national_id,
                        lower(first_name) || ' ' || lower(last_name)]) as v
                    from persons
                ) where v is not null
            ),
            shared as (
                select v from values_of group by v having count(distinct customer_id) > 1
            ),
            candidates as (
                select
                    customer_id,
                    count(distinct record_key) as records,
                    count(distinct source_system) as systems,
                    count(distinct email) as emails,
                    count(distinct national_id) as national_ids,
                    count(distinct birth_date) as birth_dates
                from persons
                where customer_id not in (select customer_id from values_of where v in (select v from shared))
                group by customer_id
            )
            select customer_id from candidates
            where emails >= 1 and national_ids >= 1 and birth_dates >= 1 and systems >= 3
            order by records desc, customer_id
            limit 1
        """).fetchall()
        assert rows, "no customer of the test build has identifying values of her own"
        customer_id = rows[0][0]
        persons = con.execute("""
            select persons.record_key, email_as_given, email, phone_as_given, phone_e164, national_id,
                   first_name, last_name, cast(birth_date as varchar)
            from intermediate.int_conform__persons as persons
            inner join intermediate.int_identity__crosswalk as crosswalk using (record_key)
            where crosswalk.customer_id = ?
        """, [customer_id]).fetchall()
        events = {r[0] for r in con.execute("""
            select events.record_key from intermediate.int_conform__events as events
            where events.person_record_key in (
                select record_key from intermediate.int_identity__crosswalk where customer_id = ?)
        """, [customer_id]).fetchall()}
        record_keys = {r[0] for r in con.execute(
            "select record_key from intermediate.int_identity__crosswalk where customer_id = ?", [customer_id]).fetchall()}
    finally:
        con.close()
    singles = {customer_id.lower()} | {k.lower() for k in record_keys | events}
    names, births = set(), set()
    for _, email_as_given, email, phone_as_given, phone, national_id, first, last, birth in persons:
        singles |= {str(v).strip().lower() for v in (email_as_given, email, phone_as_given, phone, national_id)
                    if v is not None and len(str(v).strip()) >= 5}
        if first and last:
            names.add((first.lower(), last.lower()))
            if birth:
                births.add((birth, last.lower()))
    for key in record_keys | events:
        source_id = key.split(":", 2)[2]
        if len(source_id) >= 8:
            singles.add(source_id.lower())
    return {"customer_id": customer_id, "record_keys": record_keys, "events": events, "singles": singles,
            "names": names, "births": births}


def single_pattern(subject: dict) -> re.Pattern:
    """Her values and keys as whole tokens: an id is found inside a longer text (a record key, a JSON row)
    but not as a part of a longer id (source id 919123105003 is not in 2919123105003)."""
    alternatives = "|".join(re.escape(s) for s in sorted(subject["singles"], key=len, reverse=True))
    return re.compile(rf"(?<![0-9a-z])(?:{alternatives})(?![0-9a-z])")


def scan_databases(paths: list[Path], subject: dict) -> tuple[int, int, list[str]]:
    """(tables, rows, findings): every table of every file, every row, for her values and keys."""
    tables = rows = 0
    findings: list[str] = []
    pattern = single_pattern(subject)
    for path in paths:
        con = duckdb.connect(str(path), read_only=True)
        try:
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' or table_type = 'VIEW' order by 1, 2"
            ).fetchall():
                tables += 1
                cursor = con.execute(f'select * from "{schema}"."{table}"')
                while batch := cursor.fetchmany(5000):
                    for row in batch:
                        rows += 1
                        fields = [str(v).lower() for v in row if v is not None]
                        text = "\x1f".join(fields)
                        match = pattern.search(text)
                        hit = match.group(0) if match else None
                        if hit is None:
                            words = set(text.replace("\x1f", " ").split()) | set(fields)
                            hit = next((f"{a} {b}" for a, b in subject["names"] if a in words and b in words), None)
                            hit = hit or next((d for d, last in subject["births"] if d in text and last in words), None)
                        if hit is not None:
                            findings.append(f"{path.name}:{schema}.{table}")
        finally:
            con.close()
    return tables, rows, sorted(set(findings))


def scan_artefacts(directories: list[Path], subject: dict) -> tuple[int, list[str]]:
    files = 0
    findings = []
    pattern = single_pattern(subject)
    for directory in directories:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if b"\0" in data[:4096]:
                continue
            files += 1
            text = data.decode("utf-8", errors="replace").lower()
            if pattern.search(text):
                findings.append(str(path.relative_to(directory.parent)))
    return files, findings


def her_anonymous_ids(private: Path, subject: dict) -> set[str]:
    """The ids under which the marts publish her rows without a customer (a survey response she did not
    agree to be named on: 'anonymous:' || pii_hash(record key))."""
    salt = read_salt(str(private))
    return {f"anonymous:{key_hash(salt, key)}" for key in subject["record_keys"] | subject["events"]}


def scan_file_bytes(paths: list[Path], subject: dict) -> dict[str, int]:
    """How many of her values and keys of 8 characters or more appear in the bytes of each file (free
    blocks included: a deleted row stays there until DuckDB reuses the block). Strings DuckDB compresses
    would not show, so this can prove presence, and absence only of what is stored as written."""
    long_singles = {s for s in subject["singles"] if len(s) >= 8}
    pattern = single_pattern({"singles": long_singles})
    found = {}
    for path in paths:
        text = path.read_bytes().lower().decode("latin-1")
        found[path.name] = len({m.group(0) for m in pattern.finditer(text)})
    return found


def others_rows(bi: Path, private: Path, customer_ids: set[str], anonymous: set[str]) -> dict[str, Counter]:
    """Every other customer's rows, per table, without the documented aggregate columns; rows without a
    customer are compared too, except hers (published under an anonymous id)."""
    result: dict[str, Counter] = {}
    for path, schemas in ((bi, ("marts",)), (private, ("intermediate",))):
        con = duckdb.connect(str(path), read_only=True)
        try:
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.columns where column_name = 'customer_id' "
                f"and table_schema in ({', '.join(repr(s) for s in schemas)}) order by 1, 2"
            ).fetchall():
                if path == private and table != "int_identity__crosswalk":
                    continue
                columns = [c for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position", [schema, table]).fetchall()
                    if c not in AGGREGATE_COLUMNS and c in MODEL_PAIR_TABLES.get(table, (c,))]
                select = ", ".join(f'cast("{c}" as varchar)' for c in columns)
                anonymous_filter = (" and not list_contains(?, survey_response_id)"
                                    if "survey_response_id" in columns else "")
                parameters = [sorted(customer_ids)] + ([sorted(anonymous)] if anonymous_filter else [])
                rows = con.execute(
                    f'select {"distinct " if table in MODEL_PAIR_TABLES else ""}{select} '
                    f'from "{schema}"."{table}" where (customer_id is null '
                    f"or not list_contains(?, customer_id)){anonymous_filter}", parameters).fetchall()
                result[f"{path.name}:{schema}.{table}"] = Counter(rows)
        finally:
            con.close()
    return result


def landing_erased(private: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(private), read_only=True)
    try:
        return {f"{s}.{t}": (e, r) for s, t, e, r in con.execute(
            "select source_system, source_table, erased_row_count, erased_reference_count from landing.files "
            "where erased_row_count > 0 or erased_reference_count > 0 order by 1, 2").fetchall()}
    finally:
        con.close()


def test_erasing_a_customer_leaves_nothing_of_her_and_nobody_else_changed(tmp_path):
    work = tmp_path
    subprocess.run([str(BIN / "customer360"), "generate", "--customers", str(CUSTOMERS), "--out", str(work),
                    "--as-of", AS_OF, "--quiet"], check=True, cwd=ROOT)
    private, bi = work / "c360.duckdb", work / "c360_bi.duckdb"
    build(work)
    subject = choose_subject(private)
    her = {subject["customer_id"]}
    anonymous = her_anonymous_ids(private, subject)
    before = others_rows(bi, private, her, anonymous)
    tables, rows, findings = scan_databases([private, bi], subject)
    assert findings, "the scan finds nothing of her before the erasure: it could not fail"
    in_bytes = scan_file_bytes([private, bi], subject)
    assert in_bytes[private.name], "the byte scan finds nothing of her before the erasure: it could not fail"
    print(f"\nbefore erasure: {tables} tables, {rows} rows scanned; her values in {len(findings)} tables; "
          f"values of hers in the files' bytes: {in_bytes}")

    result = subprocess.run([str(BIN / "customer360"), "erase", "--customer-id", subject["customer_id"],
                             "--db", str(private), "--bi", str(bi), "--target-dir", str(work / "target"),
                             "--logs-dir", str(work / "logs")],
                            cwd=ROOT, env=_env(work), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    ledger = Path(f"{private}.erasure_ledger.csv").read_text()
    assert not any(s in ledger.lower() for s in subject["singles"]), "the ledger holds a value of hers"
    build(work)
    in_bytes_after_build = scan_file_bytes([private, bi], subject)
    compact = subprocess.run([str(BIN / "customer360"), "erase", "--compact", "--db", str(private), "--bi", str(bi)],
                             cwd=ROOT, env=_env(work), capture_output=True, text=True)
    assert compact.returncode == 0, compact.stderr
    print(compact.stdout)
    in_bytes_compacted = scan_file_bytes([private, bi], subject)
    # a third build on the compacted files: they still build, her rows are left out again, and the landing
    # step never writes them to the file (it filters them in a temporary table)
    build(work)
    in_bytes_third_build = scan_file_bytes([private, bi], subject)
    print(f"values of hers in the files' bytes: after the build {in_bytes_after_build}, after --compact "
          f"{in_bytes_compacted}, after a third build {in_bytes_third_build}")
    assert not any(in_bytes_compacted.values()), "her values are still in the compacted files' bytes"
    assert not any(in_bytes_third_build.values()), "a build after the erasure wrote her values to a file"

    tables, rows, findings = scan_databases([private, bi], subject)
    files, artefact_findings = scan_artefacts([work / "target", work / "logs"], subject)
    erased = landing_erased(private)
    after = others_rows(bi, private, her, anonymous)
    changed = {name: (sum((before[name] - after.get(name, Counter())).values()),
                      sum((after.get(name, Counter()) - before[name]).values()))
               for name in before if before[name] != after.get(name, Counter())}
    compared = sum(sum(c.values()) for c in before.values())
    print(f"after erasure: {tables} tables and {rows} rows of both DuckDB files scanned, {files} files of target/ "
          f"and logs/ scanned; rows erased at landing (erased rows, emptied references) by table: {erased}; "
          f"{compared} rows of other customers in {len(before)} tables compared, tables that differ: {changed}")
    assert not findings, f"her values or keys are still in: {findings}"
    assert not artefact_findings, f"her values or keys are still in: {artefact_findings}"
    assert erased and sum(e for e, _ in erased.values()) >= len(subject["record_keys"])
    assert not changed, f"other customers' rows changed (removed, added): {changed}"
