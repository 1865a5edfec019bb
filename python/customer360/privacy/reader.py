"""The one way BI code (the web view, notebooks, checks) opens the published BI database.

Read-only, and with DuckDB's external access switched off: the connection cannot read or write any
other file (no ``read_csv``, no ``ATTACH``, no ``COPY``), install extensions or reach the network, so a
reader of the BI file can see what was published and nothing else.

Each call opens the file that is published *now*. A build swaps a new BI file in by renaming it over
the path (``customer360.privacy.database_files``); an open connection keeps reading the file it opened,
whole. ``duckdb.connect(path)`` would hand out the database instance already open in this process for
that path — the old file — as long as any connection to it is open (a long-running web view always has
one), so ``connect_bi`` attaches the file to a fresh in-memory database instead and makes it the
default catalog: ``marts.<table>`` reads as before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

READER_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
ALIAS = "bi"


def connect_bi(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the BI file as published now, with no file or network access."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"BI database not found: {path} (run `make build` first)")
    con = duckdb.connect(":memory:", config=dict(READER_CONFIG))
    try:
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"attach {literal} as {ALIAS} (read_only)")
        con.execute(f"use {ALIAS}")
        con.execute("set enable_external_access = false")  # from here on: no other file, no network
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con
