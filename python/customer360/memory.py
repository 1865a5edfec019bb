"""How much memory the build's DuckDB databases may use.

Two DuckDB databases work at once in a build: dbt's own (the private file) and the in-memory one Splink
trains and scores in (``identity.matching.connection``). Each would take DuckDB's default of 80% of the
machine's memory, so together they could ask for 160% of it; at 10M source records the scoring did, and
the build was stopped at 22.6 GiB of 23.5 (DECISIONS §56). Here the two share one budget — half each —
and past its limit each database spills to its temporary directory on disk instead.

``CUSTOMER360_MEMORY_LIMIT`` sets the budget (DuckDB's units: ``12GB``, ``8GiB``, ``500MB``); without it,
80% of the machine's physical memory, DuckDB's own default for one database. ``CUSTOMER360_SPILL_DIR``
is where the identity database spills (default: DuckDB's, ``.tmp`` in the working directory, which for a
build is the project folder); dbt's database spills beside its file (``<file>.tmp``), DuckDB's default.
``CUSTOMER360_SPILL_LIMIT`` caps how much each may spill (same units; DuckDB's default is 90% of the free
disk, which on a shared disk can leave nothing for anyone else); past it the query stops with DuckDB's
out-of-memory error instead of filling the disk.
Python objects (Arrow tables of records, the clustering's arrays) live outside both limits.
"""

from __future__ import annotations

import itertools
import os
import re

LIMIT_ENV = "CUSTOMER360_MEMORY_LIMIT"
SPILL_ENV = "CUSTOMER360_SPILL_DIR"
SPILL_LIMIT_ENV = "CUSTOMER360_SPILL_LIMIT"
#: The share of the budget each of the two databases may use.
SHARES = {"build": 0.5, "identity": 0.5}
DEFAULT_SHARE_OF_MACHINE = 0.8
_UNITS = {
    "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4,
}


def physical_memory() -> int:
    """The machine's physical memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def parse_size(text: str, variable: str = LIMIT_ENV) -> int:
    """Bytes of a size written as DuckDB writes memory limits (``12GB``, ``8 GiB``, ``500MB``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text or "")
    unit = (match.group(2) or "b").lower() if match else None
    if not match or unit not in _UNITS:
        raise ValueError(
            f"{variable}={text!r}: give a number and a unit, e.g. 12GB or 8GiB (units: {', '.join(_UNITS)})"
        )
    return int(float(match.group(1)) * _UNITS[unit])


def budget(environ: dict[str, str] | None = None) -> int:
    """The budget of the two databases together, in bytes."""
    text = (os.environ if environ is None else environ).get(LIMIT_ENV, "").strip()
    return parse_size(text) if text else int(physical_memory() * DEFAULT_SHARE_OF_MACHINE)


def limit(part: str, environ: dict[str, str] | None = None) -> str:
    """DuckDB's ``memory_limit`` for ``part`` (``build`` or ``identity``), in MiB."""
    return f"{max(64, int(budget(environ) * SHARES[part]) // 2**20)}MiB"


def scratch_directory(environ: dict[str, str] | None = None) -> str:
    """Where the build writes what it hands from one database to the other (and the identity database
    spills): ``CUSTOMER360_SPILL_DIR``, else ``.tmp`` in the working directory (DuckDB's default)."""
    environ = os.environ if environ is None else environ
    return environ.get(SPILL_ENV, "").strip() or ".tmp"


def made_scratch_directory(environ: dict[str, str] | None = None) -> str:
    """``scratch_directory``, made if it is missing."""
    folder = scratch_directory(environ)
    os.makedirs(folder, exist_ok=True)
    return folder


def configure(con, part: str, environ: dict[str, str] | None = None) -> None:
    """Set ``part``'s memory limit on a DuckDB connection, and for the identity database its spill folder."""
    environ = os.environ if environ is None else environ
    con.execute(f"set memory_limit = '{limit(part, environ)}'")
    spill_limit = environ.get(SPILL_LIMIT_ENV, "").strip()
    if spill_limit:
        con.execute(f"set max_temp_directory_size = '{parse_size(spill_limit, SPILL_LIMIT_ENV) // 2**20}MiB'")
    if part == "identity":
        folder = identity_spill_folder(environ)
        con.execute("set temp_directory = " + "'" + folder.replace("'", "''") + "'")


_spill_folders = itertools.count(1)


def identity_spill_folder(environ: dict[str, str] | None = None) -> str:
    """A spill folder of one identity database's own, inside ``scratch_directory``: DuckDB names its
    temporary files the same in every database (``duckdb_temp_storage_DEFAULT-0.tmp``) and deletes them,
    with the folder it made, when that database closes. Two databases of one folder — the match model's
    training connections, closed by Python's garbage collector while the scored pairs spilled — therefore
    deleted each other's spilled blocks, and a 10M build failed with "Could not read enough bytes from
    file" (DECISIONS §65). The parent folder is made here; DuckDB makes the leaf when it first spills and
    removes it on close."""
    return os.path.join(made_scratch_directory(environ), f"identity-{os.getpid()}-{next(_spill_folders)}")

