"""What a landing file holds against its table's contract, in words, without showing its rows.

``inspect_file(path, table_contract)`` reads one file the way the build reads it (DuckDB's
``read_csv(..., header = true, all_varchar = true)`` or ``read_parquet``) and returns a ``FileReport``:

- the file exists in the contract's format, is not empty, is UTF-8 (CSV), and its header can be read;
- which required columns are missing (the build fails), which optional columns are missing, which
  columns the contract does not know (staging ignores them), and names matching only by case;
- on a sample of the first rows: per typed column, the share of present values that do not parse to
  the contract type (dates, timestamps, integers, decimals, booleans), and per required column the share
  of rows without a value. Both mirror the staging macros (``clean_text``, ``parse_*`` in
  ``macros/staging``): such rows are quarantined (required) or the value becomes null (optional).

``inspect_landing(raw_path, systems, vars)`` does this for every table of every enabled system and lists
the files the contract does not know. Reports name files, columns, counts and shares, never a value:
landing files hold personal data. When a header shares no column with the contract (a file without a
header row, another table's file), its column names are not shown either, as they may be a row.

What counts as an error (the build would fail), a warning or a note is in ``SEVERITY``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .contract import ColumnContract, SystemContract, TableContract

ERROR, WARN, INFO = "error", "warn", "info"
#: Severity of each finding code. Shares of unparsed or empty values are warnings from ``warn_share`` up
#: and notes below it.
SEVERITY = {
    "missing_raw_path": ERROR,   # the landing folder itself is missing
    "missing_file": WARN,        # an enabled table's file is missing: the table lands empty (a warning)
    "missing_system": ERROR,     # no file of an enabled system: the landing step stops the build
    "not_a_file": ERROR,
    "empty_file": ERROR,         # 0 bytes: no header, staging cannot bind its columns
    "encoding": ERROR,           # not UTF-8: the build's reader stops
    "unreadable": ERROR,         # the build's reader fails on it
    "header_mismatch": ERROR,    # no contract column in the header
    "missing_required": ERROR,   # staging reads it and rejects rows without it: the build fails
    "missing_optional": WARN,
    "unknown_column": WARN,      # not in the contract: staging ignores it
    "no_rows": WARN,             # a header and no rows: the table builds empty
    "case_only": INFO,           # matches a contract column except for case: DuckDB binds it anyway
    "delimiter": INFO,           # not a comma: the build's reader detects it too
    "unknown_file": WARN,        # a file the contract does not read (a misnamed table file?)
    "system_off": INFO,          # a system switched off by vars: not checked
}
DEFAULT_SAMPLE_ROWS = 1000
DEFAULT_WARN_SHARE = 0.05
_HEAD_BYTES = 64 * 1024
_NULL_TOKENS = "('NULL', 'N/A', 'NA', 'NONE')"  # macros/staging/clean_text.sql
_WHITESPACE = r"'[\s\x{00A0}\x{200B}\x{FEFF}]+'"
_BOOLEANS = "('true', 't', '1', 'yes', 'y', 'false', 'f', '0', 'no', 'n')"  # macros/staging/parse_types.sql


@dataclass(frozen=True)
class Finding:
    severity: str  # error, warn, info
    code: str  # a key of SEVERITY, or unparsed_values / empty_required
    message: str  # words about the file; never a value from it
    column: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class FileReport:
    system: str
    table: str
    path: str
    file_format: str
    findings: list[Finding] = field(default_factory=list)
    columns_found: int | None = None
    rows_sampled: int | None = None
    delimiter: str | None = None

    @property
    def status(self) -> str:
        """ERROR (the build would fail), WARN, or OK (notes only)."""
        severities = {f.severity for f in self.findings}
        return "ERROR" if ERROR in severities else "WARN" if WARN in severities else "OK"

    def add(self, code: str, message: str, column: str | None = None, severity: str | None = None,
            **counts: int) -> None:
        self.findings.append(Finding(severity or SEVERITY[code], code, message, column, counts))

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "table": self.table, "path": self.path, "file_format": self.file_format,
                "status": self.status, "columns_found": self.columns_found, "rows_sampled": self.rows_sampled,
                "delimiter": self.delimiter, "findings": [asdict(f) for f in self.findings]}


@dataclass
class SystemReport:
    system: str
    enabled: bool
    enabled_var: str | None
    files: list[FileReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.enabled:
            return "OFF"
        statuses = {f.status for f in self.files} | {
            "ERROR" if f.severity == ERROR else "WARN" if f.severity == WARN else "OK" for f in self.findings}
        return "ERROR" if "ERROR" in statuses else "WARN" if "WARN" in statuses else "OK"

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "enabled": self.enabled, "enabled_var": self.enabled_var,
                "status": self.status, "findings": [asdict(f) for f in self.findings],
                "files": [f.to_dict() for f in self.files]}


@dataclass
class LandingReport:
    raw_path: str
    systems: list[SystemReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the folder as a whole: missing, unknown files
    sample_rows: int = DEFAULT_SAMPLE_ROWS

    def all_findings(self) -> Iterable[Finding]:
        yield from self.findings
        for system in self.systems:
            yield from system.findings
            for f in system.files:
                yield from f.findings

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.all_findings())

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARN for f in self.all_findings())

    @property
    def ok(self) -> bool:
        """False when the build would fail on this folder."""
        return self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        return {"raw_path": self.raw_path, "ok": self.ok, "errors": self.errors, "warnings": self.warnings,
                "sample_rows": self.sample_rows, "findings": [asdict(f) for f in self.findings],
                "systems": [s.to_dict() for s in self.systems]}


# --------------------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------------------


def inspect_file(path: str | Path, table: TableContract, sample_rows: int = DEFAULT_SAMPLE_ROWS,
                 warn_share: float = DEFAULT_WARN_SHARE) -> FileReport:
    """The file at ``path`` against ``table``'s contract. ``sample_rows`` = 0 reads every row."""
    path = Path(path)
    report = FileReport(table.system, table.name, str(path), table.file_format)
    if not path.exists():
        others = sorted(p.name for p in path.parent.glob(f"{path.stem}.*") if p != path) if path.parent.is_dir() else []
        hint = (f"; found {', '.join(others)}, but the contract reads this table as {table.file_format.upper()}"
                if others else "")
        report.add("missing_file", f"file missing: expected {table.relative_path}{hint}; the table is empty in "
                                   "this build")
        return report
    if not path.is_file():
        report.add("not_a_file", f"{table.relative_path} is not a file")
        return report
    if path.stat().st_size == 0:
        report.add("empty_file", "file is empty (0 bytes): no header, no rows")
        return report
    if table.file_format == "csv" and not _encoding_ok(path, report):
        return report

    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        try:
            names, rows = _load_sample(con, path, table.file_format, sample_rows)
        except duckdb.Error as e:
            report.add("unreadable", _reader_problem(e, table.file_format))
            return report
        report.columns_found, report.rows_sampled = len(names), rows
        if table.file_format == "csv":
            report.delimiter = _delimiter(con, path)
            if report.delimiter not in (None, ","):
                report.add("delimiter", f"delimiter is {report.delimiter!r}, not a comma (the build's reader "
                                        "detects it too)")
        present = _match_columns(names, table, report)
        if present is None:
            return report
        if rows == 0:
            report.add("no_rows", "a header and no rows: the table builds empty")
            return report
        _check_values(con, table, present, rows, report, warn_share)
    finally:
        con.close()
    return report


def _encoding_ok(path: Path, report: FileReport) -> bool:
    """UTF-8 (a UTF-8 byte-order mark is fine); says where the first bad byte is otherwise."""
    with open(path, "rb") as f:
        head = f.read(_HEAD_BYTES)
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if head.startswith(bom):
            report.add("encoding", f"file is {name} (byte-order mark); the build reads UTF-8: re-export as UTF-8")
            return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if len(head) == _HEAD_BYTES and e.start >= len(head) - 3:
            return True  # a character cut by the end of the sample
        line = head[:e.start].count(b"\n") + 1
        report.add("encoding", f"not UTF-8: byte {e.start:,} (line {line}) is not valid UTF-8 (a Windows-1252 "
                               "or Latin-1 export?); the build reads UTF-8: re-export as UTF-8")
        return False
    return True


def _load_sample(con: duckdb.DuckDBPyConnection, path: Path, file_format: str,
                 sample_rows: int) -> tuple[list[str], int]:
    reader = ("read_csv(?, header = true, all_varchar = true)" if file_format == "csv" else "read_parquet(?)")
    limit = f" limit {int(sample_rows)}" if sample_rows else ""
    con.execute(f"create temp table landed_sample as select * from {reader}{limit}", [str(path)])
    names = [row[0] for row in con.execute("describe landed_sample").fetchall()]
    rows = con.execute("select count(*) from landed_sample").fetchone()[0]
    return names, rows


def _delimiter(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    try:
        row = con.execute("select delimiter from sniff_csv(?, header = true)", [str(path)]).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _reader_problem(error: duckdb.Error, file_format: str) -> str:
    """DuckDB's message in words, without the line of the file it quotes (it may be personal data)."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    where = f" at line {line.group(1)}" if line else ""
    known = [
        ("Invalid unicode", "text that is not UTF-8; re-export as UTF-8"),
        ("unterminated quote", "a quoted value is never closed"),
        ("Expected Number of Columns", "a row has another number of fields than the header"),
        ("too small to be a Parquet file", "not a Parquet file (too small)"),
        ("No magic bytes", "not a Parquet file"),
        ("not a parquet file", "not a Parquet file"),
    ]
    for needle, words in known:
        if needle.lower() in text.lower():
            return f"the build's reader cannot read it{where}: {words}"
    kind = "CSV" if file_format == "csv" else "Parquet"
    return f"the build's reader cannot read it as {kind}{where} ({type(error).__name__})"


def _match_columns(names: list[str], table: TableContract, report: FileReport) -> dict[str, str] | None:
    """Contract column -> file column, adding findings; None when the header shares no column with the contract."""
    exact = set(names)
    by_case = {}
    for n in names:
        by_case.setdefault(n.lower(), n)
    present: dict[str, str] = {}
    for col in table.columns:
        if col.name in exact:
            present[col.name] = col.name
        elif col.name.lower() in by_case:
            present[col.name] = by_case[col.name.lower()]
    if not present:
        one = len(names) == 1 and any(d in names[0] for d in ",;|\t")
        why = ("the reader found no consistent delimiter (a row with another number of fields than the header?)"
               if one else "a file without a header row, another delimiter, or another table's file?")
        report.add("header_mismatch", f"none of the {len(table.columns)} contract columns is in the header "
                                      f"(it reads as {len(names)} column(s)): {why}")
        return None
    used = set(present.values())
    for col in table.columns:
        if col.name not in present:
            if col.required:
                report.add("missing_required", f"required column missing: {col.name}; the build fails", col.name)
            else:
                report.add("missing_optional", f"optional column missing: {col.name}", col.name)
        elif present[col.name] != col.name:
            report.add("case_only", f"column {present[col.name]!r} matches {col.name} except for case "
                                    "(read fine)", col.name)
    for n in names:
        if n not in used:
            report.add("unknown_column", f"column not in the contract: {n!r} (staging ignores it)", n)
    return present


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def clean_text_sql(expression: str) -> str:
    """macros/staging/clean_text.sql (DuckDB): trimmed text with runs of whitespace folded, null tokens null."""
    text = f"cast({expression} as varchar)"
    return (f"nullif(case when upper(trim({text})) in {_NULL_TOKENS} then null "
            f"else trim(regexp_replace({text}, {_WHITESPACE}, ' ', 'g')) end, '')")


def parses_sql(value: str, column: ColumnContract) -> str | None:
    """A SQL condition true when cleaned text ``value`` parses to the column's type, as staging parses it
    (macros/staging/parse_types.sql); None for text columns."""
    kind = column.data_type
    if kind == "integer":
        return rf"regexp_full_match({value}, '[+-]?[0-9]+(\.0*)?')"
    if kind == "decimal":
        return f"try_cast({value} as decimal(18, 2)) is not null"
    if kind == "boolean":
        return f"lower({value}) in {_BOOLEANS}"
    if kind == "date":
        if column.date_format:
            return f"try_strptime({value}, '{column.date_format}') is not null"
        return f"try_cast({value} as date) is not null"
    if kind == "timestamp":
        return f"try_cast({value} as timestamptz) is not null"
    return None


def _check_values(con: duckdb.DuckDBPyConnection, table: TableContract, present: Mapping[str, str], rows: int,
                  report: FileReport, warn_share: float) -> None:
    selects, checks = [], []
    for i, col in enumerate(table.columns):
        if col.name not in present:
            continue
        value = clean_text_sql(_ident(present[col.name]))
        condition = parses_sql(value, col)
        if condition is None and not col.required:
            continue
        selects.append(f"count({value}) as v{i}")
        selects.append(f"count(*) filter (where {value} is not null and not coalesce({condition}, false)) as u{i}"
                       if condition else f"0 as u{i}")
        checks.append((i, col))
    if not selects:
        return
    counts = dict(zip([d for i, _ in checks for d in (f"v{i}", f"u{i}")],
                      con.execute(f"select {', '.join(selects)} from landed_sample").fetchone()))
    for i, col in checks:
        values, unparsed = counts[f"v{i}"], counts[f"u{i}"]
        if unparsed:
            share = unparsed / values
            outcome = "those rows are quarantined" if col.required else "staging sets them to null"
            report.add("unparsed_values",
                       f"{col.name}: {unparsed:,} of {values:,} sampled values ({share:.1%}) do not parse as "
                       f"{col.type_label}; {outcome}", col.name, WARN if share >= warn_share else INFO,
                       values=values, unparsed=unparsed)
        empty = rows - values
        if col.required and empty:
            share = empty / rows
            report.add("empty_required",
                       f"{col.name}: {empty:,} of {rows:,} sampled rows have no value; the column is required, "
                       "so those rows are quarantined", col.name, WARN if share >= warn_share else INFO,
                       rows=rows, empty=empty)


# --------------------------------------------------------------------------------------------------
# The landing folder
# --------------------------------------------------------------------------------------------------


def inspect_landing(raw_path: str | Path, systems: Iterable[SystemContract], variables: Mapping[str, Any],
                    sample_rows: int = DEFAULT_SAMPLE_ROWS, warn_share: float = DEFAULT_WARN_SHARE) -> LandingReport:
    """Every table of every enabled system (``SystemContract.is_enabled(variables)``) under ``raw_path``."""
    raw = Path(raw_path)
    systems = list(systems)
    report = LandingReport(str(raw), sample_rows=sample_rows)
    if not raw.is_dir():
        report.findings.append(Finding(SEVERITY["missing_raw_path"], "missing_raw_path",
                                       f"landing folder {raw} does not exist"))
        return report
    for system in systems:
        enabled = system.is_enabled(variables)
        sr = SystemReport(system.name, enabled, system.enabled_var)
        report.systems.append(sr)
        if not enabled:
            sr.findings.append(Finding(SEVERITY["system_off"], "system_off",
                                       f"switched off ({system.enabled_var}: false): not checked"))
            continue
        folder = raw / system.name
        if all(table.is_optional for table in system.tables):
            # the stewards' corrections: absent is normal (no correction filed)
            sr.files.extend(inspect_file(raw / table.relative_path, table, sample_rows, warn_share)
                            for table in system.tables if (raw / table.relative_path).exists())
            continue
        if not folder.is_dir():
            message = f"folder {system.name}/ missing: no file of this system landed"
            if system.enabled_var:
                message += f"; switch it off with --vars '{{{system.enabled_var}: false}}' if it has no exports"
            sr.findings.append(Finding(SEVERITY["missing_system"], "missing_system", message))
            continue
        for table in system.tables:
            sr.files.append(inspect_file(raw / table.relative_path, table, sample_rows, warn_share))
        if all(any(f.code == "missing_file" for f in fr.findings) for fr in sr.files):
            message = f"no file of system {system.name} exists: the build stops"
            if system.enabled_var:
                message += f"; switch it off with --vars '{{{system.enabled_var}: false}}' if it has no exports"
            sr.findings.append(Finding(SEVERITY["missing_system"], "missing_system", message))
    known = {table.relative_path for system in systems for table in system.tables}
    for p in sorted(raw.rglob("*")):
        rel = p.relative_to(raw).as_posix()
        hidden = any(part.startswith((".", "_")) for part in p.relative_to(raw).parts)  # _manifest.json
        if p.is_file() and rel not in known and not hidden:
            report.findings.append(Finding(SEVERITY["unknown_file"], "unknown_file",
                                           f"{rel}: not a file of the contract (the build does not read it)"))
    return report


# --------------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------------

_LABEL = {ERROR: "ERROR", WARN: "WARN ", INFO: "note "}


def format_report(report: LandingReport, contract_source: str = "", verbose: bool = False) -> str:
    """The report as text for people: per system and file OK / WARN / ERROR with each reason on its own
    line; notes (small shares of unparsed values, ...) only counted unless ``verbose``."""
    def shown(findings):
        ordered = sorted(findings, key=lambda f: [ERROR, WARN, INFO].index(f.severity))
        return [f for f in ordered if verbose or f.severity != INFO]

    sampled = (f"first {report.sample_rows:,} rows of each file sampled" if report.sample_rows else "every row read")
    lines = [f"Landing folder {report.raw_path}" + (f" against {contract_source}" if contract_source else "")
             + f" ({sampled})", ""]
    lines += [f"{_LABEL[f.severity]} {f.message}" for f in shown(report.findings)]
    for system in report.systems:
        if not system.enabled:
            lines.append(f"{system.system:<34} OFF    switched off by {system.enabled_var}: not checked")
            continue
        lines.append(f"{system.system:<34} {system.status}")
        lines += [f"    {_LABEL[f.severity]} {f.message}" for f in shown(system.findings)]
        for file in system.files:
            shape = (f"{file.rows_sampled:,} rows sampled, {file.columns_found} columns"
                     if file.rows_sampled is not None else "")
            notes = sum(f.severity == INFO for f in file.findings)
            if notes and not verbose:
                shape += f", {notes} note(s) (--verbose)"
            lines.append(f"  {Path(file.path).name:<32} {file.status:<6} {shape}".rstrip())
            lines += [f"    {_LABEL[f.severity]} {f.message}" for f in shown(file.findings)]
    lines.append("")
    files = sum(len(s.files) for s in report.systems)
    verdict = ("the build would fail: fix the errors above first" if not report.ok
               else "the build can read every enabled table")
    lines.append(f"{report.errors} error(s), {report.warnings} warning(s) in {files} file(s) checked: {verdict}")
    return "\n".join(lines)
