"""What a landing file looks like before anything reads its rows: present or not, size, modification
time, and its header (column names) — or, in words, why the header cannot be read.

The build's landing step (macro ``land_sources``) calls :func:`inspect_json` through a DuckDB function
registered by ``customer360.landing.plugin``, then decides in SQL/Jinja what the contract makes of the
result. Nothing here returns or prints a row's content: only column names, sizes, dates and problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from dataclasses import asdict, dataclass, field

#: Bytes read to find the header line of a CSV file (a header longer than this is a problem of its own).
HEADER_BYTES = 1 << 20
#: Delimiters a CSV export may use, in the order they are tried when the header has no comma.
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class FileReport:
    """The result of inspecting one landing file."""

    path: str
    file_format: str
    is_present: bool = False
    file_bytes: int | None = None
    file_modified_at: str | None = None  # ISO-8601 UTC, no offset
    columns: list[str] = field(default_factory=list)
    delimiter: str | None = None
    encoding: str | None = None
    problem: str | None = None  # in words, None when the file can be read

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def _modified_at(path: str) -> str:
    stamp = dt.datetime.fromtimestamp(os.stat(path).st_mtime, tz=dt.timezone.utc)
    return stamp.replace(tzinfo=None).isoformat(timespec="seconds")


def _csv_header(path: str, report: FileReport) -> None:
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
    if not head.strip():
        report.problem = "the file is empty (no header line)"
        return
    encoding = "utf-8-sig"
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as error:
        # the cut at HEADER_BYTES may split a character: only an error before the cut counts
        if error.start < len(head) - 4:
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                report.problem = "the file is UTF-16 encoded; export it as UTF-8"
            else:
                report.problem = "the header line is not UTF-8 text; export the file as UTF-8"
            return
        text = head[: error.start].decode(encoding)
    first_line_end = text.find("\n")
    if first_line_end < 0 and len(head) == HEADER_BYTES:
        report.problem = f"no end of the header line in the first {HEADER_BYTES} bytes"
        return
    header_line = text if first_line_end < 0 else text[:first_line_end]
    header_line = header_line.rstrip("\r")
    delimiter = next((d for d in DELIMITERS if d in header_line), ",")
    try:
        names = next(csv.reader(io.StringIO(header_line), delimiter=delimiter, quotechar='"'))
    except (csv.Error, StopIteration):
        report.problem = "the header line cannot be read as CSV"
        return
    names = [name.strip() for name in names]
    if not any(names):
        report.problem = "the header line has no column names"
        return
    if any(not name for name in names):
        report.problem = f"the header has an empty column name (column {names.index('') + 1})"
        return
    lowered = [name.lower() for name in names]
    repeated = sorted({name for name in lowered if lowered.count(name) > 1})
    if repeated:
        report.problem = "the header repeats column name(s): " + ", ".join(repeated)
        return
    report.columns = names
    report.delimiter = delimiter
    report.encoding = "utf-8"


def _parquet_header(path: str, report: FileReport) -> None:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # noqa: BLE001 - any failure to read the footer means the same to a user
        report.problem = "not a readable Parquet file (the footer or schema cannot be read)"
        return
    report.columns = list(schema.names)


def inspect_file(path: str, file_format: str) -> FileReport:
    """Inspect ``path`` (``csv`` or ``parquet``): presence, size, modification time, header."""
    report = FileReport(path=path, file_format=file_format)
    if not os.path.isfile(path):
        return report
    report.is_present = True
    report.file_bytes = os.path.getsize(path)
    report.file_modified_at = _modified_at(path)
    if report.file_bytes == 0:
        report.problem = "the file is empty (0 bytes, no header line)"
        return report
    if file_format == "csv":
        _csv_header(path, report)
    elif file_format == "parquet":
        _parquet_header(path, report)
    else:
        report.problem = f"unknown file format {file_format!r} in the contract (csv or parquet)"
    return report


def unterminated_quote_line(path: str, delimiter: str = ",") -> int | None:
    """The line on which a quoted field opens that is never closed (so every line after it would be read
    into that one field), or None. Read with Python's csv reader; only called when the build's reader
    reported a quote problem, so a clean file is never read twice."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter or ",", quotechar='"', doublequote=True, strict=True)
        start = 1
        while True:
            try:
                next(reader)
            except StopIteration:
                return None
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    return start
            start = reader.line_num + 1


def unterminated_quote_json(path: str, delimiter: str) -> str:
    """:func:`unterminated_quote_line` as JSON text (``{"line": n}`` or ``{"line": null}``)."""
    return json.dumps({"line": unterminated_quote_line(path, delimiter)})


def inspect_json(path: str, file_format: str) -> str:
    """:func:`inspect_file` as a JSON text (the DuckDB function's return value)."""
    return inspect_file(path, file_format).as_json()
