"""The raw-data contract read without dbt, landing-file inspection, and ``customer360 doctor``."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from customer360 import cli
from customer360.landing.contract import (ColumnContract, ContractError, TableContract, effective_vars, parse_vars,
                                          read_contract, read_sources_file)
from customer360.landing.inspect import inspect_file, inspect_landing
from customer360.synth import generate

ROOT = Path(__file__).resolve().parents[2]
TEST_RAW = ROOT / "data" / "test" / "raw"  # make test-data


def table_contract(*columns: ColumnContract, file_format: str = "csv") -> TableContract:
    return TableContract("sys", "people", f"sys/people.{file_format}", file_format, columns, "id")


PEOPLE = table_contract(
    ColumnContract("id", "varchar", True),
    ColumnContract("last_name", "varchar", False),
    ColumnContract("birth_date", "date", False),
    ColumnContract("signed_up_at", "timestamp", True),
)


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def codes(report, severity=None):
    return sorted((f.code, f.column) for f in report.findings if severity in (None, f.severity))


def messages(report):
    return " | ".join(f.message for f in report.findings)


# -- the contract ---------------------------------------------------------------------------------------------


def test_project_contract_is_read_from_the_yaml():
    systems = read_contract(ROOT)
    # the landing audit (models/staging/landing) is written by the build itself: it has no exported files
    assert [s.name for s in systems] == sorted(
        p.name for p in (ROOT / "models" / "staging").iterdir() if p.is_dir() and p.name != "landing"
    )
    for system in systems:
        source = yaml.safe_load(Path(system.source_file).read_text())["sources"][0]
        if all(t.is_optional for t in system.tables):
            # the stewards' corrections: nothing to switch off, an absent file is no correction
            assert system.name == "stewardship" and system.enabled_var is None and system.enabled_default is True
        else:
            assert system.enabled_var == f"source_{system.name}_enabled" and system.enabled_default is True
        assert [t.name for t in system.tables] == [t["name"] for t in source["tables"]]
        for table, raw in zip(system.tables, source["tables"]):
            assert table.relative_path == f"{system.name}/{table.name}.{raw['meta']['file_format']}"
            assert table.column_names == [c["name"] for c in raw["columns"]]
            assert table.required_columns == [c["name"] for c in raw["columns"]
                                              if (c.get("meta") or {}).get("required")]
    web = {t.name: t for s in systems if s.name == "web" for t in s.tables}
    assert web["sessions"].file_format == "parquet" and web["registrations"].file_format == "csv"
    holders = next(t for s in systems for t in s.tables if t.key == "policy.policy_holders")
    assert holders.column("birth_date").date_format == "%m/%d/%Y"
    assert holders.column("birth_date").type_label == "date (MM/DD/YYYY)"
    contacts = next(t for s in systems for t in s.tables if t.key == "crm.contacts")
    assert contacts.column("birthdate").date_format is None


def test_vars_switch_systems_like_dbt(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("vars:\n  raw_path: landing\n  source_a_enabled: false\n")
    variables = effective_vars(tmp_path, parse_vars("{source_b_enabled: 'false', raw_path: other}"))
    assert variables == {"raw_path": "other", "source_a_enabled": False, "source_b_enabled": "false"}
    source = tmp_path / "_x__sources.yml"
    source.write_text(yaml.safe_dump({"sources": [
        {"name": n, "config": {"enabled": f"{{{{ var('source_{n}_enabled', {d}) }}}}"}, "tables": []}
        for n, d in (("a", "true"), ("b", "true"), ("c", "true"), ("d", "false"))
    ]}))
    states = {s.name: s.is_enabled(variables) for s in read_sources_file(source)}
    assert states == {"a": False, "b": False, "c": True, "d": False}
    with pytest.raises(ValueError, match="mapping"):
        parse_vars("[1, 2]")


def test_config_meta_and_described_formats_are_read(tmp_path):
    source = tmp_path / "_x__sources.yml"
    source.write_text(yaml.safe_dump({"sources": [{"name": "x", "tables": [{
        "name": "t",
        "config": {"meta": {"file_format": "parquet"}},
        "columns": [
            {"name": "id", "data_type": "varchar", "config": {"meta": {"required": True}}},
            {"name": "d1", "data_type": "date", "description": "Day, DD/MM/YYYY."},
            {"name": "d2", "data_type": "date", "meta": {"format": "%Y%m%d"}},
            {"name": "amount", "data_type": "decimal(18, 2)"},
        ]}]}]}))
    (system,) = read_sources_file(source)
    (table,) = system.tables
    assert system.enabled_var is None and system.enabled_default is True
    assert table.relative_path == "x/t.parquet" and table.required_columns == ["id"]
    assert [c.date_format for c in table.columns] == [None, "%d/%m/%Y", "%Y%m%d", None]
    assert table.column("amount").data_type == "decimal"


@pytest.mark.parametrize("change, error", [
    ({"data_type": "money"}, r"_x__sources.yml, source x, table t, column id: unknown data_type 'money'"),
    ({"file_format": "xlsx"}, r"table t: meta.file_format 'xlsx' is not one of csv, parquet"),
])
def test_a_broken_contract_names_file_table_and_column(tmp_path, change, error):
    source = tmp_path / "_x__sources.yml"
    source.write_text(yaml.safe_dump({"sources": [{"name": "x", "tables": [{
        "name": "t",
        "meta": {"file_format": change.get("file_format", "csv")},
        "columns": [{"name": "id", "data_type": change.get("data_type", "varchar")}]}]}]}))
    with pytest.raises(ContractError, match=error):
        read_sources_file(source)


# -- one file -------------------------------------------------------------------------------------------------


def test_a_good_file_is_ok(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"],
                     [["1", "Smith", "1980-02-29", "2024-01-01T10:00:00Z"], ["2", "", "", "2024-01-02 10:00:00"]])
    report = inspect_file(path, PEOPLE)
    assert report.status == "OK" and report.findings == []
    assert (report.rows_sampled, report.columns_found, report.delimiter) == (2, 4, ",")


def test_missing_file_and_the_other_format_beside_it(tmp_path):
    report = inspect_file(tmp_path / "sys" / "people.csv", PEOPLE)
    # an absent table lands empty with a warning (the landing step); a whole system absent is an error
    assert report.status == "WARN" and codes(report) == [("missing_file", None)]
    write_csv(tmp_path / "sys" / "people.csv", ["id"], [["1"]])
    report = inspect_file(tmp_path / "sys" / "people.parquet", table_contract(*PEOPLE.columns, file_format="parquet"))
    assert "found people.csv, but the contract reads this table as PARQUET" in messages(report)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"")
    report = inspect_file(path, PEOPLE)
    assert report.status == "ERROR" and codes(report) == [("empty_file", None)]


def test_header_only_file_builds_empty(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"], [])
    report = inspect_file(path, PEOPLE)
    assert report.status == "WARN" and codes(report) == [("no_rows", None)]


def test_missing_required_missing_optional_unknown_and_case_only_columns(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["ID", "birth_date", "loyalty_tier"],
                     [["1", "1980-01-01", "gold"]])
    report = inspect_file(path, PEOPLE)
    assert report.status == "ERROR"
    assert codes(report, "error") == [("missing_required", "signed_up_at")]
    assert codes(report, "warn") == [("missing_optional", "last_name"), ("unknown_column", "loyalty_tier")]
    assert codes(report, "info") == [("case_only", "id")]
    text = messages(report)
    assert "required column missing: signed_up_at" in text and "optional column missing: last_name" in text
    assert "column not in the contract: 'loyalty_tier'" in text
    assert "gold" not in text


def test_spaces_around_a_header_name_are_read_as_the_name(tmp_path):
    """DuckDB's reader trims header names, so staging binds ' signed_up_at ' as signed_up_at."""
    path = write_csv(tmp_path / "people.csv", ["id", " signed_up_at ", "last_name", "birth_date"],
                     [["1", "2024-01-01", "x", ""]])
    assert inspect_file(path, PEOPLE).findings == []


def test_unreadable_date_column_without_showing_values(tmp_path):
    rows = [[str(i), "x", "31.12.1980", "2024-01-01"] for i in range(8)] + [["9", "x", "1980-12-31", "nonsense"],
                                                                            ["10", "x", "N/A", "2024-01-01"]]
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"], rows)
    report = inspect_file(path, PEOPLE)
    assert report.status == "WARN"
    by_column = {f.column: f for f in report.findings}
    assert by_column["birth_date"].code == "unparsed_values" and by_column["birth_date"].severity == "warn"
    assert by_column["birth_date"].counts == {"values": 9, "unparsed": 8}  # N/A is a null token, not a value
    assert "birth_date: 8 of 9 sampled values (88.9%) do not parse as date; staging sets them to null" \
        in by_column["birth_date"].message
    assert by_column["signed_up_at"].counts == {"values": 10, "unparsed": 1}
    assert "those rows are quarantined" in by_column["signed_up_at"].message
    assert "31.12.1980" not in messages(report) and "nonsense" not in messages(report)


def test_a_small_share_is_a_note_and_the_threshold_is_a_parameter(tmp_path):
    rows = [[str(i), "x", "1980-01-01", "2024-01-01"] for i in range(99)] + [["99", "x", "1980-13-01", "2024-01-01"]]
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"], rows)
    assert inspect_file(path, PEOPLE).status == "OK"
    assert codes(inspect_file(path, PEOPLE), "info") == [("unparsed_values", "birth_date")]
    assert inspect_file(path, PEOPLE, warn_share=0.01).status == "WARN"


def test_each_type_parses_as_staging_parses_it(tmp_path):
    contract = table_contract(
        ColumnContract("id", "varchar", True),
        ColumnContract("n", "integer", False), ColumnContract("amount", "decimal", False),
        ColumnContract("flag", "boolean", False), ColumnContract("day", "date", False, date_format="%m/%d/%Y"),
        ColumnContract("at", "timestamp", False),
    )
    good = [["1", "7", "12.50", "yes", "02/29/2024", "2024-01-01T10:00:00-05:00"],
            ["2", "7.0", "3", "F", "12/31/2024", "2024-01-01 10:00:00"],
            ["3", " 8 ", "-1", "0", "", "2024-01-01"]]
    bad = [["4", "7.5", "12,50", "maybe", "2024-12-31", "yesterday"]]
    path = write_csv(tmp_path / "t.csv", ["id", "n", "amount", "flag", "day", "at"], good + bad)
    report = inspect_file(path, contract)
    assert {f.column: f.counts for f in report.findings} == {
        "n": {"values": 4, "unparsed": 1}, "amount": {"values": 4, "unparsed": 1},
        "flag": {"values": 4, "unparsed": 1}, "day": {"values": 3, "unparsed": 1}, "at": {"values": 4, "unparsed": 1},
    }
    assert "do not parse as date (MM/DD/YYYY)" in messages(report)


def test_empty_required_values_are_counted(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"],
                     [["", "x", "", "2024-01-01"], ["  ", "x", "", "2024-01-01"], ["3", "x", "", "2024-01-01"]])
    (finding,) = inspect_file(path, PEOPLE).findings
    assert (finding.code, finding.column, finding.counts) == ("empty_required", "id", {"rows": 3, "empty": 2})


def test_not_utf8_names_the_line_not_the_text(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"],
                     [["1", "Smith", "", "2024-01-01"], ["2", "Muñoz", "", "2024-01-01"]], encoding="latin-1")
    report = inspect_file(path, PEOPLE)
    assert codes(report) == [("encoding", None)]
    assert "line 3" in report.findings[0].message and "Mu" not in report.findings[0].message
    utf16 = write_csv(tmp_path / "utf16.csv", ["id", "signed_up_at"], [["1", "2024-01-01"]], encoding="utf-16")
    assert "file is UTF-16" in messages(inspect_file(utf16, PEOPLE))


def test_semicolons_are_read_and_noted(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id;last_name;birth_date;signed_up_at\n1;Smith;1980-01-01;2024-01-01\n", encoding="utf-8")
    report = inspect_file(path, PEOPLE)
    assert report.status == "OK" and report.delimiter == ";" and codes(report) == [("delimiter", None)]


def test_a_file_without_header_row_does_not_show_its_first_row(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("1,Smith,1980-01-01,2024-01-01\n2,Jones,1981-01-01,2024-01-02\n", encoding="utf-8")
    report = inspect_file(path, PEOPLE)
    assert codes(report) == [("header_mismatch", None)]
    assert "none of the 4 contract columns is in the header" in messages(report)
    assert "Smith" not in messages(report) and "1980" not in messages(report)


def test_parquet_files_and_broken_parquet(tmp_path):
    contract = table_contract(*PEOPLE.columns, file_format="parquet")
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"id": ["1", "2"], "birth_date": pa.array([None, None], pa.date32()),
                             "signed_up_at": ["2024-01-01T00:00:00Z", "bad"]}), path)
    report = inspect_file(path, contract)
    assert codes(report) == [("missing_optional", "last_name"), ("unparsed_values", "signed_up_at")]
    assert report.delimiter is None
    path.write_bytes(b"not parquet at all")
    report = inspect_file(path, contract)
    assert codes(report) == [("unreadable", None)] and "not a Parquet file" in messages(report)


def test_sample_rows_limits_the_read(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "last_name", "birth_date", "signed_up_at"],
                     [[str(i), "x", "", "2024-01-01"] for i in range(50)])
    assert inspect_file(path, PEOPLE, sample_rows=10).rows_sampled == 10
    assert inspect_file(path, PEOPLE, sample_rows=0).rows_sampled == 50


# -- the folder, through customer360 doctor -------------------------------------------------------------------


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """``data/test/raw`` (make test-data) when it is there, else the same data set generated for this test."""
    if (TEST_RAW / "_manifest.json").is_file():
        return TEST_RAW
    out = tmp_path_factory.mktemp("landing")
    generate(400, 42, out)
    return out / "raw"


def only(*systems: str) -> str:
    """--vars switching every other system off (fewer files to read in a test)."""
    return "{" + ", ".join(f"{s.enabled_var}: false" for s in read_contract(ROOT)
                           if s.name not in systems and s.enabled_var) + "}"


def doctor(capsys, *argv) -> tuple[int, str]:
    code = cli.main(["doctor", "--project-dir", str(ROOT), *argv])
    return code, capsys.readouterr().out


def test_doctor_passes_on_the_test_data_set(landing, capsys):
    code, out = doctor(capsys, "--raw-path", str(landing), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["errors"] == 0
    shape = {"missing_file", "empty_file", "missing_required", "missing_optional", "unknown_column",
             "header_mismatch", "unreadable", "encoding", "unknown_file"}
    found = [(s["system"], f["table"], x["code"]) for s in report["systems"] for f in s["files"]
             for x in f["findings"] if x["code"] in shape]
    assert found == []
    # an optional table without a file (the stewards' corrections) is no finding and no file
    assert sum(len(s["files"]) for s in report["systems"]) == sum(
        len([t for t in s.tables if not t.is_optional]) for s in read_contract(ROOT))
    stewardship = next(s for s in report["systems"] if s["system"] == "stewardship")
    assert stewardship["files"] == [] and stewardship["findings"] == []
    code, out = doctor(capsys, "--raw-path", str(landing), "--vars", only("web"))
    assert code == 0 and out.rstrip().endswith("the build can read every enabled table")
    assert "sessions.parquet                 OK" in out


def test_doctor_finds_what_is_wrong_in_a_landing_folder(landing, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(landing, raw)
    tables = [t for s in read_contract(ROOT) for t in s.tables if t.file_format == "csv"]
    gone, empty, no_required, no_optional, extra, dates = tables[0], tables[1], tables[2], None, None, None
    no_optional = next(t for t in tables[3:] if t.optional_columns)
    extra = next(t for t in tables[3:] if t is not no_optional)
    dates = next(t for t in tables[3:] if t not in (no_optional, extra)
                 and any(c.data_type == "date" for c in t.columns))
    date_column = next(c.name for c in dates.columns if c.data_type == "date")

    def rewrite(table, edit):
        path = raw / table.relative_path
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        header, rows = edit(list(rows[0]), rows)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, header, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)

    (raw / gone.relative_path).unlink()
    (raw / empty.relative_path).write_bytes(b"")
    required = no_required.required_columns[-1]
    rewrite(no_required, lambda h, rows: ([c for c in h if c != required], rows))
    optional = no_optional.optional_columns[0]
    rewrite(no_optional, lambda h, rows: ([c for c in h if c != optional], rows))
    rewrite(extra, lambda h, rows: (h + ["legacy_flag"], [{**r, "legacy_flag": "1"} for r in rows]))
    rewrite(dates, lambda h, rows: (h, [{**r, date_column: "sometime"} for r in rows]))
    (raw / "crm" / "notes.csv").write_text("a\n1\n", encoding="utf-8")

    code, out = doctor(capsys, "--raw-path", str(raw))
    assert code == 1
    assert f"file missing: expected {gone.relative_path}" in out
    assert "file is empty (0 bytes)" in out
    assert f"required column missing: {required}; the build fails" in out
    assert f"optional column missing: {optional}" in out
    assert "column not in the contract: 'legacy_flag'" in out
    assert f"{date_column}: " in out and "do not parse as date" in out and "(100.0%)" in out
    assert "crm/notes.csv: not a file of the contract" in out
    assert "sometime" not in out
    assert out.rstrip().endswith("the build would fail: fix the errors above first")
    status = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("  ") and
              not line.startswith("    ")}
    # a missing table lands empty (a warning); an empty file cannot be read (an error)
    assert status[Path(gone.relative_path).name] == "WARN" and status[Path(empty.relative_path).name] == "ERROR"
    assert status[Path(no_required.relative_path).name] == "ERROR"
    assert status[Path(no_optional.relative_path).name] == status[Path(extra.relative_path).name] == "WARN"
    assert status[Path(dates.relative_path).name] == "WARN"


def test_doctor_skips_systems_switched_off(landing, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(landing, raw)
    shutil.rmtree(raw / "policy")
    code, out = doctor(capsys, "--raw-path", str(raw), "--vars", only("policy", "pos"))
    assert code == 1 and "folder policy/ missing" in out and "source_policy_enabled: false" in out
    code, out = doctor(capsys, "--raw-path", str(raw), "--vars", only("pos"))
    assert code == 0
    assert "policy                             OFF    switched off by source_policy_enabled" in out
    assert "loyalty_members.csv" in out and "policy_holders.csv" not in out


def test_doctor_says_when_the_folder_or_the_project_is_missing(tmp_path, capsys):
    code, out = doctor(capsys, "--raw-path", str(tmp_path / "nowhere"))
    assert code == 1 and "does not exist" in out
    assert cli.main(["doctor", "--project-dir", str(tmp_path)]) == 2
    assert "no dbt project found" in capsys.readouterr().err
    assert cli.main(["doctor", "--project-dir", str(ROOT), "--vars", "[1]"]) == 2


def test_doctor_checks_steward_corrections_only_when_filed(landing, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    for system in ("web",):
        shutil.copytree(landing / system, raw / system)
    (raw / "stewardship").mkdir()
    (raw / "stewardship" / "corrections.csv").write_text("id,correction_type,key_a\nSC-1,must_link,crm:contacts:1\n")
    code, out = doctor(capsys, "--raw-path", str(raw), "--vars", only("web"), "--json")
    report = json.loads(out)
    stewardship = next(s for s in report["systems"] if s["system"] == "stewardship")
    codes = [x["code"] for f in stewardship["files"] for x in f["findings"]]
    assert code == 1 and "missing_required" in codes


def test_inspect_landing_is_plain_data(landing):
    variables = parse_vars(only("surveys"))
    report = inspect_landing(landing, read_contract(ROOT), variables, sample_rows=50)
    as_dict = json.loads(json.dumps(report.to_dict()))
    web = next(s for s in as_dict["systems"] if s["system"] == "web")
    assert web["enabled"] is False and web["files"] == [] and web["status"] == "OFF"
    surveys = next(s for s in as_dict["systems"] if s["system"] == "surveys")
    assert [f["table"] for f in surveys["files"]] == ["surveys", "responses"]
    assert all(f["rows_sampled"] <= 50 for f in surveys["files"])
