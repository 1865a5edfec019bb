"""The raw-data contract as plain data, read from the dbt project's YAML without dbt.

Each ``models/staging/<system>/_<system>__sources.yml`` declares one source system: the var that switches
it on (``config.enabled: "{{ var('source_<system>_enabled', true) }}"``) and, per table, the landing file
(``meta.file`` under var ``raw_path``, by default ``<system>/<table>.<format>`` as the build's landing step
``land_sources`` reads it), its format (``meta.file_format``), its primary key and its columns in landing
order, each with the type it must parse to (``data_type``) and whether a row without it is unusable
(``meta.required``) and which tables' keys it holds (``meta.references``). Nothing is hard-coded here: a column is required exactly when the YAML says so.

Date columns parse as ISO dates unless the column says otherwise: ``meta.format`` (a strptime format such
as ``'%m/%d/%Y'``), else a pattern named in its description (``MM/DD/YYYY``, ``DD/MM/YYYY``), which is how
the legacy policy exports are described today.

Vars are read the way dbt resolves them for these expressions: ``--vars`` over ``dbt_project.yml``'s
``vars:`` over the default written in the expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SOURCES_GLOB = "models/staging/*/_*__sources.yml"

#: Contract types and the spellings that mean them.
TYPE_ALIASES = {
    "varchar": "varchar", "text": "varchar", "string": "varchar",
    "integer": "integer", "int": "integer", "bigint": "integer",
    "decimal": "decimal", "numeric": "decimal", "double": "decimal", "float": "decimal",
    "boolean": "boolean", "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp", "timestamptz": "timestamp", "datetime": "timestamp",
}
FILE_FORMATS = ("csv", "parquet")
#: Date patterns a column description may name, as strptime formats.
DESCRIBED_DATE_FORMATS = {"MM/DD/YYYY": "%m/%d/%Y", "DD/MM/YYYY": "%d/%m/%Y", "YYYY-MM-DD": "%Y-%m-%d"}

_VAR_CALL = re.compile(r"""var\(\s*['"](?P<name>\w+)['"]\s*(?:,\s*(?P<default>[^)]*?)\s*)?\)""")


class ContractError(ValueError):
    """The contract YAML itself cannot be read: names the file, source, table and column."""


@dataclass(frozen=True)
class ColumnContract:
    name: str
    data_type: str  # one of TYPE_ALIASES' values
    required: bool
    description: str = ""
    date_format: str | None = None  # strptime format for a date column; None = ISO
    #: tables ("<system>.<table>") whose primary key this column holds (meta.references); the erasure
    #: step drops a row whose required reference is an erased record and empties an optional one
    references: tuple[str, ...] = ()
    #: meta.erase_if_names_her: a row whose value here is one of an erased customer's record keys or her
    #: customer id is erased with her (a steward's correction about her record)
    erase_if_names_her: bool = False

    @property
    def type_label(self) -> str:
        """The type in words, e.g. 'date (MM/DD/YYYY)'."""
        if self.data_type == "date" and self.date_format:
            shown = {v: k for k, v in DESCRIBED_DATE_FORMATS.items()}.get(self.date_format, self.date_format)
            return f"date ({shown})"
        return self.data_type


@dataclass(frozen=True)
class TableContract:
    system: str
    name: str
    relative_path: str  # under raw_path, e.g. "billing/customers.csv"
    file_format: str  # "csv" or "parquet"
    columns: tuple[ColumnContract, ...]
    primary_key: str | None = None
    #: meta.erase_with_referrers: a row that only an erased customer's rows refer to is hers (a CRM
    #: household account carries its members' names, phone and address) and is erased with them
    erase_with_referrers: bool = False
    is_optional: bool = False  # meta.optional: an absent file is an empty table, not worth a word

    @property
    def key(self) -> str:
        return f"{self.system}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]

    def column(self, name: str) -> ColumnContract:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class SystemContract:
    name: str
    tables: tuple[TableContract, ...]
    enabled_var: str | None  # e.g. source_billing_enabled; None when `enabled` is a literal
    enabled_default: bool
    source_file: str = ""

    def is_enabled(self, variables: Mapping[str, Any]) -> bool:
        """On or off under these vars (``effective_vars``), the way dbt renders the ``enabled`` expression."""
        if self.enabled_var is None or self.enabled_var not in variables:
            return self.enabled_default
        return truthy(variables[self.enabled_var])


def truthy(value: Any) -> bool:
    """A var value as dbt's ``enabled`` config reads it: false, 'false', 'no', '0', '' and None are off."""
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "0", "", "none", "null")
    return bool(value)


def _meta(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``meta`` of a table or column, at the top level or (dbt 1.10+ style) under ``config``."""
    meta = dict(node.get("meta") or {})
    meta.update((node.get("config") or {}).get("meta") or {})
    return meta


def _date_format(column: Mapping[str, Any], meta: Mapping[str, Any]) -> str | None:
    if meta.get("format"):
        return str(meta["format"])
    description = str(column.get("description") or "")
    for pattern, fmt in DESCRIBED_DATE_FORMATS.items():
        if pattern in description:
            return fmt
    return None


def _enabled(config: Mapping[str, Any], where: str) -> tuple[str | None, bool]:
    value = config.get("enabled", True)
    if isinstance(value, bool):
        return None, value
    match = _VAR_CALL.search(str(value))
    if not match:
        raise ContractError(f"{where}: cannot read config.enabled {value!r} (expected a var(...) call or a boolean)")
    default = match.group("default")
    return match.group("name"), truthy(yaml.safe_load(default)) if default else True


def _column(raw: Mapping[str, Any], where: str) -> ColumnContract:
    name = raw.get("name")
    if not name:
        raise ContractError(f"{where}: a column without a name")
    data_type = str(raw.get("data_type") or "varchar").strip().lower()
    data_type = re.sub(r"\(.*\)$", "", data_type).strip()  # decimal(18, 2) -> decimal
    if data_type not in TYPE_ALIASES:
        raise ContractError(f"{where}, column {name}: unknown data_type {raw.get('data_type')!r} "
                            f"(known: {', '.join(sorted(TYPE_ALIASES))})")
    meta = _meta(raw)
    kind = TYPE_ALIASES[data_type]
    return ColumnContract(
        name=str(name), data_type=kind, required=bool(meta.get("required", False)),
        description=str(raw.get("description") or ""),
        date_format=_date_format(raw, meta) if kind == "date" else None,
        references=_references(meta),
        erase_if_names_her=bool(meta.get("erase_if_names_her", False)),
    )


def _references(meta: Mapping[str, Any]) -> tuple[str, ...]:
    refs = meta.get("references") or ()
    return (str(refs),) if isinstance(refs, str) else tuple(str(r) for r in refs)


def _table(system: str, raw: Mapping[str, Any], where: str) -> TableContract:
    name = raw.get("name")
    where = f"{where}, table {name}"
    meta = _meta(raw)
    file_format = str(meta.get("file_format") or "").lower()
    if file_format not in FILE_FORMATS:
        raise ContractError(f"{where}: meta.file_format {file_format!r} is not one of {', '.join(sorted(FILE_FORMATS))}")
    relative_path = str(meta.get("file") or f"{system}/{name}.{file_format}")
    columns = tuple(_column(c, where) for c in raw.get("columns") or [])
    if not columns:
        raise ContractError(f"{where}: no columns declared")
    return TableContract(system=system, name=str(name), relative_path=relative_path, file_format=file_format,
                         columns=columns, primary_key=meta.get("primary_key"),
                         erase_with_referrers=bool(meta.get("erase_with_referrers", False)),
                         is_optional=bool(meta.get("optional", False)))


def read_sources_file(path: str | Path) -> list[SystemContract]:
    """The systems (dbt sources) declared in one ``_<system>__sources.yml``."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ContractError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from e
    systems = []
    for source in document.get("sources") or []:
        where = f"{path}, source {source.get('name')}"
        enabled_var, enabled_default = _enabled(source.get("config") or {}, where)
        # tables without a file format are written by the build itself (the landing audit), not exported
        tables = tuple(
            _table(source["name"], t, where) for t in source.get("tables") or [] if "file_format" in _meta(t)
        )
        if source.get("tables") and not tables:
            continue  # the landing audit source: written by the build, nothing to export
        systems.append(SystemContract(name=source["name"], tables=tables, enabled_var=enabled_var,
                                      enabled_default=enabled_default, source_file=str(path)))
    return systems


def read_contract(project_dir: str | Path) -> list[SystemContract]:
    """Every source system of the project, in the order of their folders."""
    files = sorted(Path(project_dir).glob(SOURCES_GLOB))
    if not files:
        raise ContractError(f"{project_dir}: no {SOURCES_GLOB} (is this the dbt project folder?)")
    return [system for f in files for system in read_sources_file(f)]


def project_vars(project_dir: str | Path) -> dict[str, Any]:
    """The ``vars:`` of ``dbt_project.yml`` (global ones; per-package scopes are ignored)."""
    path = Path(project_dir) / "dbt_project.yml"
    if not path.exists():
        return {}
    variables = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vars") or {}
    return {k: v for k, v in variables.items() if not isinstance(v, dict)}


def parse_vars(text: str | None) -> dict[str, Any]:
    """dbt's ``--vars`` argument: a YAML (or JSON) mapping such as ``'{source_policy_enabled: false}'``."""
    if not text:
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError(f"--vars is not valid YAML: {str(e).splitlines()[0]}") from e
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"--vars must be a mapping such as '{{source_policy_enabled: false}}', got {text!r}")
    return value


def effective_vars(project_dir: str | Path, cli_vars: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``--vars`` over the project's vars."""
    return {**project_vars(project_dir), **(cli_vars or {})}
