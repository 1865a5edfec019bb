"""The landing file inspection (customer360.landing.files): what the build learns about a file before
reading its rows, and that it never returns a row's content."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customer360.landing.files import inspect_file, inspect_json, unterminated_quote_json, unterminated_quote_line


def write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


def test_absent_file_is_reported_not_raised(tmp_path):
    report = inspect_file(str(tmp_path / "crm" / "leads.csv"), "csv")
    assert not report.is_present and report.problem is None and report.columns == []


def test_header_columns_delimiter_and_file_facts(tmp_path):
    path = write(tmp_path / "c.csv", b'\xef\xbb\xbfid,"First Name", last_name\r\n1,Ann,Lee\r\n')
    report = inspect_file(path, "csv")
    assert report.is_present and report.problem is None
    assert report.columns == ["id", "First Name", "last_name"]
    assert report.delimiter == "," and report.file_bytes == len(open(path, "rb").read())
    assert report.file_modified_at and "T" in report.file_modified_at


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(tmp_path, delimiter):
    path = write(tmp_path / "c.csv", f"id{delimiter}last_name\n1{delimiter}Lee\n".encode())
    report = inspect_file(path, "csv")
    assert report.columns == ["id", "last_name"] and report.delimiter == delimiter


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "0 bytes"),
        (b"\n\n", "empty"),
        (b"\xff\xfei\x00d\x00\n\x00", "UTF-16"),
        (b"id,na\xefme\n1,x\n", "not UTF-8"),
        (b"id,,last_name\n", "empty column name"),
        (b"id,ID,name\n", "repeats column name"),
    ],
)
def test_unreadable_headers_are_named_in_words(tmp_path, data, words):
    report = inspect_file(write(tmp_path / "c.csv", data), "csv")
    assert report.is_present and words in report.problem and report.columns == []


def test_no_row_content_in_the_report(tmp_path):
    secret = "jane.secret@example.com"
    path = write(tmp_path / "c.csv", f"id,email\n1,{secret}\n2,\xff\n".encode("latin-1"))
    assert secret not in inspect_json(path, "csv")


def test_parquet_schema_and_corrupt_parquet(tmp_path):
    good = tmp_path / "s.parquet"
    pq.write_table(pa.table({"id": ["1"], "started_at": ["2024-01-01"]}), good)
    assert inspect_file(str(good), "parquet").columns == ["id", "started_at"]
    bad = write(tmp_path / "bad.parquet", b"PAR1 not really")
    assert "not a readable Parquet file" in inspect_file(bad, "parquet").problem


def test_json_round_trip(tmp_path):
    path = write(tmp_path / "c.csv", b"id\n1\n")
    assert json.loads(inspect_json(path, "csv"))["columns"] == ["id"]


HEADER = "id,first_name,last_name,created_date\n"


@pytest.mark.parametrize("body, line", [
    ('003A,Ann,Smith,2024-01-01\n003B,"Bob,Jones,2024-01-01\n003C,Cy,Lee,2024-01-01\n', 3),  # opens, never closes
    ('003A,Ann,Smith,2024-01-01\n003C,Cy,Lee,"2024-01-01\n', 3),  # the last field of the file
    ('003A,Ann,Smith,2024-01-01\n003B,"Bob"x,Jones,2024-01-01\n003C,Cy,Lee,2024-01-01\n', None),  # stray, closed
    ('003A,"Ann\nMarie",Smith,2024-01-01\n003B,Bob,Jones,2024-01-01\n', None),  # a quoted line break is fine
    ('003A,Ann,Smith,2024-01-01\n', None),
])
def test_unterminated_quote_is_found_by_its_opening_line(tmp_path, body, line):
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    assert unterminated_quote_line(str(path)) == line
    assert json.loads(unterminated_quote_json(str(path), ","))["line"] == line
