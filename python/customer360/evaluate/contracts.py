"""The raw-data contract as data: each source table's landing columns, in order, and which are required.

Read from ``models/staging/<system>/_<system>__sources.yml`` (the same files dbt reads), so a landing
file written from here has exactly the header the contract asks for.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class TableContract:
    system: str
    table: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    file_format: str


def load_contracts(project_dir: str | Path = REPO) -> dict[str, dict[str, TableContract]]:
    """``{system: {table: TableContract}}`` for every source declared under models/staging."""
    out: dict[str, dict[str, TableContract]] = {}
    for path in sorted(Path(project_dir, "models", "staging").glob("*/_*__sources.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in doc.get("sources", []):
            tables = out.setdefault(source["name"], {})
            for t in source.get("tables", []):
                cols = t.get("columns", [])
                tables[t["name"]] = TableContract(
                    system=source["name"],
                    table=t["name"],
                    columns=tuple(c["name"] for c in cols),
                    required=tuple(c["name"] for c in cols if (c.get("meta") or {}).get("required")),
                    file_format=(t.get("meta") or {}).get("file_format", "csv"),
                )
    if not out:
        raise FileNotFoundError(f"no models/staging/*/_*__sources.yml under {project_dir}")
    return out


def write_table(path: Path, contract: TableContract, rows: Iterable[Mapping[str, str]]) -> int:
    """Write ``rows`` (dicts keyed by contract column; missing keys are empty) as the table's CSV landing
    file with the contract's header; a key outside the contract is an error. Returns the row count."""
    if contract.file_format != "csv":
        raise ValueError(f"{contract.system}.{contract.table} lands as {contract.file_format}, not csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(contract.columns)
        for row in rows:
            unknown = set(row) - set(contract.columns)
            if unknown:
                raise KeyError(f"{contract.system}.{contract.table} has no column(s) {sorted(unknown)}")
            w.writerow([row.get(c, "") for c in contract.columns])
            n += 1
    return n
