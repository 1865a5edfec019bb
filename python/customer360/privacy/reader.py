"""The one way BI code (the web view, notebooks, checks) opens the published BI database.

Read-only, and with DuckDB's external access switched off: the connection cannot read or write any
other file (no ``read_csv``, no ``ATTACH``, no ``COPY``), install extensions or reach the network, so a
reader of the BI file can see what was published and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

READER_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def connect_bi(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the BI file with no file or network access."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"BI database not found: {path} (run `make build` first)")
    return duckdb.connect(str(path), read_only=True, config=dict(READER_CONFIG))
