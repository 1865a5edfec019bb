"""The BI privacy check, the read-only reader and the salt plugin, on tiny fixture databases."""

import hashlib
import json
import os
import stat
from pathlib import Path

import duckdb
import pytest

from customer360.privacy import check as privacy_check
from customer360.privacy.reader import connect_bi
from customer360.privacy.salt_plugin import SALT_ENV, read_salt, resolve_salt, salt_file_for

SALT = "0123456789abcdef-test-salt"


def _salted(value):
    return hashlib.sha256(f"{SALT}:{value}".encode()).hexdigest()


def _manifest(columns_by_model):
    nodes = {}
    for model, columns in columns_by_model.items():
        nodes[f"model.customer360.{model}"] = {
            "resource_type": "model", "database": "bi", "name": model, "alias": model,
            "columns": {name: {"meta": meta} for name, meta in columns.items()},
        }
    return {"nodes": nodes}


BASE_COLUMNS = {
    "dim_customers": {"customer_id": {}, "email_hash": {"pii": "hashed"}, "city": {},
                      "customer_since_date": {}},
    "customer_360": {"customer_id": {}, "full_name": {"pii": "direct", "published_for": "account_managers"},
                     "email": {"pii": "direct", "published_for": "account_managers"}, "note": {},
                     "event_key": {}},
}


@pytest.fixture()
def databases(tmp_path):
    private = tmp_path / "private.duckdb"
    bi = tmp_path / "private_bi.duckdb"
    with duckdb.connect(str(private)) as con:
        con.execute("create schema intermediate")
        con.execute("""create table intermediate.int_identity__golden_records as
            select * from (values ('C1', 'ann', 'lee', 'ann@example.com', '+15555550101', date '1980-02-03'),
                                  ('C2', 'bo', 'ray', 'bo@example.com', null, date '1975-11-30'))
            as t(customer_id, first_name, last_name, email, phone, birth_date)""")
        con.execute("""create table intermediate.int_identity__records as
            select * from (values ('surveys:responses:R_1'), ('orders:orders:5871497613'))
            as t(record_key)""")
        con.execute("""create table intermediate.int_conform__persons as
            select * from (values
                ('crm:contacts:1', 'Ann.Lee@Example.com', 'ann.lee@example.com', '+13035550101', '123-45-6789',
                 'ann', 'lee', date '1980-02-03'),
                ('policy:policy_holders:9', 'JOSE.GARCIA@EXAMPLE.COM', 'jose.garcia@example.com', '+13035550199',
                 null, 'jose', 'garcia lopez', date '1975-11-30'),
                ('web:registrations:4', null, null, null, null, 'bo', null, null))
            as t(record_key, email_as_given, email, phone_e164, national_id, first_name, last_name, birth_date)""")
    with duckdb.connect(str(bi)) as con:
        con.execute("create schema marts")
        con.execute(f"""create table marts.dim_customers as
            select * from (values ('C1', '{_salted('ann@example.com')}', 'DENVER', date '2021-05-01'),
                                  ('C2', '{_salted('bo@example.com')}', 'BOSTON', date '2022-01-09'))
            as t(customer_id, email_hash, city, customer_since_date)""")
        con.execute("""create table marts.customer_360 as
            select * from (values ('C1', 'Ann Lee', 'ann@example.com', 'called twice', 'orders:orders:5871497613'),
                                  ('C2', 'Bo Ray', 'bo@example.com', null, 'anonymous:0a1b2c3d4e5f67890123456789'))
            as t(customer_id, full_name, email, note, event_key)""")
    return private, bi


def _run(bi, private, columns=BASE_COLUMNS, dirs=None):
    return privacy_check.check(bi, _manifest(columns), private, SALT, dirs or [])


def test_clean_file_passes(databases):
    private, bi = databases
    assert _run(bi, private) == []


def test_raw_identifier_column_not_declared_published_fails(databases):
    private, bi = databases
    columns = json.loads(json.dumps(BASE_COLUMNS))
    columns["customer_360"]["email"] = {"pii": "direct"}
    kinds = {(f.kind, f.column) for f in _run(bi, private, columns)}
    assert ("raw pii column", "email") in kinds
    assert ("email value", "email") in kinds


def test_email_phone_and_ssn_in_free_text_fail(databases):
    private, bi = databases
    for text, kind in [("mail me at ann@example.com", "email value"),
                       ("write to jane.doe at gmail dot com", "email value"),
                       ("call (555) 555-0101 after 5", "phone value"),
                       ("call (555)555-0101", "phone value"),
                       ("call 5555550101 please", "phone value"),
                       ("uk number +44 20 7946 0958", "phone value"),
                       ("ssn 123-45-6789 on file", "ssn value"),
                       ("ssn 123 45 6789", "ssn value"),
                       ("ssn 123456789", "ssn value"),
                       ("spoke with ann lee today", "customer name value"),
                       ("born 02/03/1980", "birth date value"),
                       ("DOB: 1975-11-30", "birth date value")]:
        with duckdb.connect(str(bi)) as con:
            con.execute("update marts.customer_360 set note = ? where customer_id = 'C1'", [text])
        assert kind in {f.kind for f in _run(bi, private)}, text


def test_identifiers_hashes_and_other_dates_are_not_flagged(databases):
    private, bi = databases
    with duckdb.connect(str(bi)) as con:
        con.execute("update marts.customer_360 set note = 'order due 2026-11-15, ref 9af3e1c4b2' "
                    "where customer_id = 'C1'")
    assert _run(bi, private) == []


def test_list_columns_are_scanned_as_text(databases):
    private, bi = databases
    with duckdb.connect(str(bi)) as con:
        con.execute("alter table marts.customer_360 add column tags varchar[]")
        con.execute("update marts.customer_360 set tags = ['vip', 'ann@example.com'] where customer_id = 'C1'")
    columns = json.loads(json.dumps(BASE_COLUMNS))
    columns["customer_360"]["tags"] = {}
    assert ("email value", "tags") in {(f.kind, f.column) for f in _run(bi, private, columns)}


def test_personal_column_name_needs_a_classification(databases):
    private, bi = databases
    with duckdb.connect(str(bi)) as con:
        con.execute("alter table marts.dim_customers add column owner_name varchar")
    columns = json.loads(json.dumps(BASE_COLUMNS))
    columns["dim_customers"]["owner_name"] = {}
    assert ("raw pii column", "owner_name") in {(f.kind, f.column) for f in _run(bi, private, columns)}
    columns["dim_customers"]["owner_name"] = {"pii": "none"}
    assert _run(bi, private, columns) == []


def test_anonymous_id_made_of_a_plain_digest_of_the_record_key_fails(databases):
    private, bi = databases
    digest = hashlib.md5(b"surveys:responses:R_1").hexdigest()
    with duckdb.connect(str(bi)) as con:
        con.execute("update marts.customer_360 set event_key = ? where customer_id = 'C2'", [f"anonymous:{digest}"])
    assert ("unsalted hash", "event_key") in {(f.kind, f.column) for f in _run(bi, private)}


def test_birth_date_under_another_name_fails(databases):
    private, bi = databases
    with duckdb.connect(str(bi)) as con:
        con.execute("update marts.dim_customers set customer_since_date = date '1980-02-03' "
                    "where customer_id = 'C1'")
    findings = _run(bi, private)
    assert [(f.kind, f.column) for f in findings] == [("birth date value", "customer_since_date")]


def test_unsalted_hash_fails(databases):
    private, bi = databases
    plain = hashlib.sha256(b"ann@example.com").hexdigest()
    with duckdb.connect(str(bi)) as con:
        con.execute("update marts.dim_customers set email_hash = ? where customer_id = 'C1'", [plain])
    assert "unsalted hash" in {f.kind for f in _run(bi, private)}


def test_table_that_is_not_a_published_model_fails(databases):
    private, bi = databases
    with duckdb.connect(str(bi)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.stg_crm__contacts as select 1 as id")
    assert "unexpected table" in {f.kind for f in _run(bi, private)}


def test_salt_in_artefacts_fails(databases, tmp_path):
    private, bi = databases
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps({"compiled_code": f"sha256('{SALT}' || x)"}))
    assert "salt leaked" in {f.kind for f in _run(bi, private, dirs=[target])}


def test_reader_is_read_only_without_file_access(databases, tmp_path):
    _, bi = databases
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    con = connect_bi(bi)
    assert con.sql("select count(*) from marts.dim_customers").fetchone()[0] == 2
    for statement in [f"select * from read_csv('{outside}')", "create table marts.x as select 1",
                      "set enable_external_access = true"]:
        with pytest.raises(duckdb.Error):
            con.execute(statement)


def test_salt_from_environment_or_private_salt_file(tmp_path):
    db = tmp_path / "private.duckdb"
    with pytest.raises(FileNotFoundError):
        read_salt(str(db), {})  # the check never invents a salt
    assert not salt_file_for(str(db)).exists()
    assert resolve_salt(str(db), {SALT_ENV: SALT}) == SALT
    with pytest.raises(ValueError):
        resolve_salt(str(db), {SALT_ENV: "short"})
    first = resolve_salt(str(db), {})
    assert len(first) >= 32 and resolve_salt(str(db), {}) == first
    mode = stat.S_IMODE(os.stat(salt_file_for(str(db))).st_mode)
    assert mode == 0o600


# -- personal values in dbt's artefacts and logs ------------------------------------------------------

LEAKED_VALUES = ["ann.lee", "jose.garcia", "303", "555", "0101", "0199", "123-45-6789", "123456789",
                 "Ann", "Lee", "José", "García", "1980", "1975", "11/30"]


def _artefact_dirs(tmp_path):
    target, logs = tmp_path / "target", tmp_path / "logs"
    (target / "compiled" / "customer360").mkdir(parents=True)
    logs.mkdir()
    (target / "manifest.json").write_text(json.dumps({"nodes": {"model.customer360.stg_crm__contacts": {
        "columns": {"first_name": {"description": "First name, e.g. Jane."}},
        "compiled_code": "select * from read_csv('data/raw/crm/contacts.csv') where loaded_at > '2026-11-15'",
        "checksum": {"checksum": "9af3e1c4b2303555010112345678"}}}, "metadata": {"invocation_id": "x"}}))
    (target / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "model.customer360.stg_crm__contacts", "status": "success", "execution_time": 0.1234567891,
         "message": "OK created 400 rows", "timing": [{"started_at": "2026-12-04T23:04:02.123456Z"}]}]}))
    (target / "compiled" / "customer360" / "a.sql").write_text(
        "-- support@corp.example, phone 1-800-555-0100, ticket 2026-11-15\nselect 1 as lee_count\n")
    (logs / "dbt.log").write_text("23:04:02  Running with dbt=1.11.16\n23:04:03  Done. PASS=660 WARN=1\n")
    return target, logs


def test_clean_artefacts_and_logs_pass(databases, tmp_path):
    private, bi = databases
    assert _run(bi, private, dirs=list(_artefact_dirs(tmp_path))) == []


def test_personal_values_in_artefacts_and_logs_fail_naming_file_and_kind_only(databases, tmp_path):
    """A bad CSV row echoed by DuckDB into run_results.json and dbt.log, a dbt show in the log: every
    kind of personal value is found, named by file and kind, and no finding prints the value."""
    private, bi = databases
    target, logs = _artefact_dirs(tmp_path)
    row = 'Invalid unicode (byte sequence mismatch) in CSV file crm/contacts.csv, line 7: "C7","José","García López","JOSE.GARCIA@example.com","(303) 555-0199"'
    results = json.loads((target / "run_results.json").read_text())
    results["results"][0]["message"] = row
    (target / "run_results.json").write_text(json.dumps(results))  # json escapes the accents
    with (logs / "dbt.log").open("a") as log:
        log.write(f"23:04:05  Runtime Error in model stg_crm__contacts: {row}\n")
        log.write("23:04:06  | Lee, Ann | 123-45-6789 | +1 303 555 0101 | born 02/03/1980 |\n")
    (target / "compiled" / "customer360" / "show.sql").write_text("select 'garcia lopez' as n, date '1975-11-30' as d")
    findings = _run(bi, private, dirs=[target, logs])
    found = {(f.kind, Path(f.path).name) for f in findings}
    assert found == {
        ("email in artefact", "run_results.json"), ("email in artefact", "dbt.log"),
        ("phone in artefact", "run_results.json"), ("phone in artefact", "dbt.log"),
        ("full name in artefact", "run_results.json"), ("full name in artefact", "dbt.log"),
        ("ssn in artefact", "dbt.log"),
        ("birth date with name in artefact", "dbt.log"), ("birth date with name in artefact", "show.sql"),
    }
    assert {f.location for f in findings if f.path.endswith("run_results.json")} == {"results[0].message"}
    assert {f.location for f in findings if f.path.endswith("dbt.log")} == {"line 3", "line 4"}
    for finding in findings:
        assert not any(value.lower() in str(finding).lower() for value in LEAKED_VALUES), str(finding)


@pytest.mark.parametrize("text, kind", [
    ("A.LEE@EXAMPLE.COM or ANN.LEE@example.com", "email"), ("call 303.555.0101", "phone"), ("tel +13035550101", "phone"),
    ("3035550101", "phone"), ("(303)555-0101", "phone"), ("ssn 123 45 6789", "ssn"), ("123456789", "ssn"),
    ("Ann Q. Lee", "full name"), ("LEE ANN", "full name"), ("José  García-López", "full name"),
    ("Jose Garcia Lopez", "full name"), ("garcia lopez, jose", "full name"),
    ("Lee 1980-02-03", "birth date with name"), ("30.11.1975 GARCIA", "birth date with name"),
])
def test_each_written_form_of_a_personal_value_is_found(databases, tmp_path, text, kind):
    private, _ = databases
    (tmp_path / "dbt.log").write_text(f"x {text} y\n")
    kinds = {f.kind for f in privacy_check.artefacts.scan(private, [tmp_path])}
    assert f"{kind} in artefact" in kinds
    assert kinds <= {f"{kind} in artefact", "full name in artefact"}  # an email may spell the name too


@pytest.mark.parametrize("text", ["ann and lee", "Lee 1981-02-03", "1980-02-03 Garcia", "took 0.123456789 s",
                                  "303555010", "Bo", "anne.lee@example.org", "version 3.035.550.101",
                                  "ids 1303555010199", "Jose Lopez", "a-123-45-6789-b"])
def test_near_misses_are_not_flagged(databases, tmp_path, text):
    private, _ = databases
    (tmp_path / "dbt.log").write_text(f"x {text} y\n")
    assert privacy_check.artefacts.scan(private, [tmp_path]) == []


def test_check_command_fails_on_a_leak_in_logs_without_printing_it(databases, tmp_path, capsys, monkeypatch):
    private, bi = databases
    target, logs = _artefact_dirs(tmp_path)
    (logs / "dbt.log").write_text("Error: ann.lee@example.com\n")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(_manifest(BASE_COLUMNS)))
    monkeypatch.setenv(SALT_ENV, SALT)
    code = privacy_check.main(["--bi", str(bi), "--private", str(private), "--manifest", str(manifest),
                               "--target-dir", str(target), "--logs-dir", str(logs)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"email in artefact: {logs / 'dbt.log'} (line 1)" in out
    assert "ann.lee" not in out.lower()


# The artefact scan's patterns are written to start with the character they match (fast in Python's re);
# these are the plain forms they stand for, with the look-behind first.
PLAIN_PATTERNS = {
    "PHONE": r"(?<![\w.+])(?:\+\d{7,15}|(?:\+?1[ .\-]?)?\(?\d{3}\)?[ .\-]?\d{3}[ .\-]?\d{4})(?![\w])",
    "SSN": r"(?<![\w.\-])\d{3}[ \-]?\d{2}[ \-]?\d{4}(?![\w\-])",
    "DATE": r"(?<!\d)(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})(?!\d)",
}


def _matches(find, text):
    """(start, text, groups) of every match ``find`` (a pattern's finditer, or a function like it) gives."""
    return [(m.start(), m.group(), m.groups()) for m in find(text)]


@pytest.mark.parametrize("name", sorted(PLAIN_PATTERNS))
def test_artefact_patterns_match_as_their_plain_form(name):
    import random
    import re

    from customer360.privacy import artefacts

    fast, plain = getattr(artefacts, name), re.compile(PLAIN_PATTERNS[name])
    rng = random.Random(360)
    # digit runs of one to four and the separators the patterns know, so the fuzz forms many candidates
    pieces = ["1", "7", "30", "555", "0101", "2024", "+", "(", ")", "-", "/", ".", " ", "a", "_", "\n",
              "2024-01-30", "1/30/2024", "30.1.2024"]
    texts = ["+13035550101", "(303) 555-0101", "1-303-555-0101", "x3035550101", "123-45-6789", ".123-45-6789",
             "1990-01-02", "11990-01-02", "2/3/1990", "12.03.1990", "+1 303 555 0101", "a+13035550101"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(2, 12))) for _ in range(30000)]
    differing = [text for text in texts if _matches(fast.finditer, text) != _matches(plain.finditer, text)]
    assert not differing, differing[:3]
    assert sum(bool(_matches(fast.finditer, text)) for text in texts) > 300  # the fuzz does produce matches


def test_emails_are_found_line_by_line_as_over_the_whole_text():
    import random

    from customer360.privacy import artefacts

    rng = random.Random(7)
    alphabet = "ab.c_%+-@\n 9"
    texts = ["a@b.com_x@y.org", "x\nann.lee@example.com\n@", "no at sign", "@@", "a@b.co\nc@d.org"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(30000)]
    for text in texts:
        assert _matches(artefacts.EMAIL.finditer, text) == _matches(artefacts._emails, text)


@pytest.mark.parametrize("text, found", [("ann lee called", True), ("joann lee called", False),
                                         ("ann leeway", False), ("x-ann-lee-y", True), ("annlee", False)])
def test_names_are_found_at_whole_words_only(databases, tmp_path, text, found):
    """A name's first word is a whole run of letters: not the end of a longer word."""
    private, _ = databases
    (tmp_path / "dbt.log").write_text(f"{text}\n")
    kinds = {f.kind for f in privacy_check.artefacts.scan(private, [tmp_path])}
    assert ("full name in artefact" in kinds) == found
