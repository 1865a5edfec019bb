"""dbt-duckdb plugin: the build's DuckDB files — private ones private, the BI file swapped in whole.

Registered in ``profiles.yml``, so it acts on every dbt command, whatever starts it (``make``, a plain
``dbt build``, an IDE):

**File modes.** Before DuckDB opens anything, the dbt process's umask becomes ``077``: the private
database, its ``.wal``, the BI file being built and the files dbt writes to ``target/`` are created
readable by their owner only, and ``logs/dbt.log`` is chmodded ``600`` (all may hold personal data). A
private file (and ``.wal``) left readable by an older build is chmodded to ``600``. The published BI
file is ``640`` (its group: the BI readers).

**The BI file is built aside and swapped in atomically** (DECISIONS.md, "Atomic BI swap"). The plugin,
not ``profiles.yml``, attaches the BI database as ``bi``, and how depends on the dbt command:

- ``build``, ``run``, ``retry`` (*build*): the published file (``<bi>``) is copied to
  ``<bi stem>.building.duckdb`` (the incremental marts need their previous rows) and that copy is
  attached. The on-run-end hook (macro ``publish_bi_database``) calls ``customer360_finish_bi_build``:
  if every node succeeded (warnings allowed) the copy is checkpointed, detached, made ``640`` and renamed
  over ``<bi>`` — one ``rename``, atomic on one file system; otherwise it is deleted and the published
  file stays as it was. A reader (the web view, a BI tool) that holds the old file keeps reading it
  whole through its open handle; whoever opens the path afterwards gets the new file. Nobody ever sees
  half a build, and no reader blocks a build.
- ``docs generate``, ``compile``, ``show``, ``list``, ``parse``, ``debug``, ``test``, ``seed``,
  ``snapshot``, ``source freshness`` (*read*): the published file is attached read-only (an empty
  in-memory database when there is none yet), so these never write it and are never blocked by a reader.
- anything else — ``run-operation``, ``clone``, or no dbt command known (*direct*): the published file is
  attached for writing, as before; a reader holding it blocks this.

Copying and attaching happen on the first connection, once DuckDB holds the lock on the private file,
so two builds of one installation cannot clobber each other's copy.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

ALIAS = "bi"
PRIVATE_MODE = 0o600
BI_MODE = 0o640
UMASK = 0o077
STORAGE_VERSION = "v1.0.0"  # every DuckDB 1.x reader (BI drivers) opens it
FINISH_FUNCTION = "customer360_finish_bi_build"

BUILD, READ, DIRECT = "build", "read", "direct"
BUILD_COMMANDS = {"build", "run", "retry"}
READ_COMMANDS = {"generate", "compile", "show", "list", "ls", "parse", "debug", "test", "seed", "snapshot",
                 "freshness", "source"}


def building_path(bi_path: str | Path) -> Path:
    """Where a build writes the BI database before publishing it: ``<stem>.building<suffix>``."""
    bi_path = Path(bi_path)
    return bi_path.with_name(f"{bi_path.stem}.building{bi_path.suffix}")


def wal_path(database_path: str | Path) -> Path:
    return Path(f"{database_path}.wal")


def command_mode(command: str | None) -> str:
    """How a dbt command attaches the BI database: ``build``, ``read`` or ``direct``."""
    if command in BUILD_COMMANDS:
        return BUILD
    if command in READ_COMMANDS:
        return READ
    return DIRECT


def _dbt_flag(name: str):
    try:
        from dbt.flags import get_flags

        return getattr(get_flags(), name, None)
    except Exception:  # no dbt flags: a library call
        return None


def current_dbt_command() -> str | None:
    """The running dbt command (``build``, ``generate`` …), or None outside the dbt CLI."""
    return _dbt_flag("WHICH")


def make_log_private() -> None:
    """chmod 600 dbt's log file of this run (``<log path>/dbt.log``), opened before the plugin runs."""
    log_path = _dbt_flag("LOG_PATH")
    if log_path and (Path(log_path) / "dbt.log").exists():
        os.chmod(Path(log_path) / "dbt.log", PRIVATE_MODE)


def make_private(database_path: str | Path) -> None:
    """chmod 600 a database file and its WAL, where they exist."""
    for path in (Path(database_path), wal_path(database_path)):
        if path.exists():
            os.chmod(path, PRIVATE_MODE)


def mode_of(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def remove_database(database_path: str | Path) -> None:
    for path in (Path(database_path), wal_path(database_path)):
        path.unlink(missing_ok=True)


def copy_for_building(bi_path: str | Path, building: str | Path) -> bool:
    """Start a build from a copy of the published BI file (and its WAL, if an older build left one).
    Returns whether there was a published file to copy."""
    remove_database(building)  # a copy an interrupted build left behind
    if not Path(bi_path).exists():
        return False
    shutil.copyfile(bi_path, building)
    if wal_path(bi_path).exists():
        shutil.copyfile(wal_path(bi_path), wal_path(building))
    return True


def publish(building: str | Path, bi_path: str | Path) -> None:
    """Rename the finished (checkpointed, detached) build over the published path, atomically."""
    building, bi_path = Path(building), Path(bi_path)
    if wal_path(building).exists() and wal_path(building).stat().st_size > 0:
        raise RuntimeError(f"{building} still has a write-ahead log: it was not checkpointed and detached")
    wal_path(building).unlink(missing_ok=True)
    os.chmod(building, BI_MODE)
    os.replace(building, bi_path)
    wal_path(bi_path).unlink(missing_ok=True)  # a log of the old file would be replayed into the new one
    directory = os.open(bi_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _literal(path: str | Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class Plugin(BasePlugin):
    """See the module docstring. Config: ``bi_path`` (the published BI file); for tests also
    ``database_path`` (the private file) and ``command`` (the dbt command)."""

    def initialize(self, plugin_config: dict) -> None:
        os.umask(UMASK | os.umask(UMASK))  # owner-only files from here on
        self.database_path = Path(plugin_config.get("database_path") or (
            self.creds.path if self.creds is not None else "customer360.duckdb"))
        bi_path = plugin_config.get("bi_path")
        if not bi_path:
            raise ValueError("the customer360.privacy.database_files plugin needs config bi_path")
        self.bi_path = Path(bi_path)
        self.building = building_path(self.bi_path)
        self.mode = command_mode(plugin_config.get("command") or current_dbt_command())
        self.state = "new"  # new -> building -> published | discarded
        self.database_path.parent.mkdir(parents=True, exist_ok=True)
        self.bi_path.parent.mkdir(parents=True, exist_ok=True)
        make_private(self.database_path)
        make_log_private()
        self._conn = None

    def configure_connection(self, conn) -> None:
        # DuckDB now holds the private file (dbt-duckdb opened it before calling this)
        make_private(self.database_path)
        self._conn = conn
        conn.create_function(FINISH_FUNCTION, self.finish_build, ["BIGINT"], "VARCHAR", side_effects=True)
        if self.mode == BUILD and self.state == "new":
            copy_for_building(self.bi_path, self.building)
            self.state = "building"
        if self.mode == BUILD and self.state == "building":
            conn.execute(f"attach {_literal(self.building)} as {ALIAS} (storage_version '{STORAGE_VERSION}')")
        elif self.mode == DIRECT:
            conn.execute(f"attach {_literal(self.bi_path)} as {ALIAS} (storage_version '{STORAGE_VERSION}')")
            os.chmod(self.bi_path, BI_MODE)
        elif self.bi_path.exists():  # read, or a build already published or discarded
            conn.execute(f"attach {_literal(self.bi_path)} as {ALIAS} (read_only)")
        else:
            conn.execute(f"attach ':memory:' as {ALIAS}")

    def finish_build(self, failed_nodes: int) -> str:
        """The on-run-end step (SQL ``select customer360_finish_bi_build(<failed nodes>)``): publish the
        build, or drop it when a node failed. A message for the log; empty when not building."""
        if self.mode != BUILD or self.state != "building":
            return ""
        cursor = self._conn.cursor()
        try:
            if failed_nodes == 0:
                cursor.execute(f"checkpoint {ALIAS}")
            cursor.execute(f"detach {ALIAS}")
            if failed_nodes == 0:
                publish(self.building, self.bi_path)
                self.state = "published"
                message = f"BI database published: {self.bi_path}"
            else:
                remove_database(self.building)
                self.state = "discarded"
                kept = "the previous one stays" if self.bi_path.exists() else "there is none yet"
                message = (f"BI database not published: {failed_nodes} node(s) failed or skipped; "
                           f"{self.bi_path} is unchanged ({kept})")
            if self.bi_path.exists():  # anything after the hook reads what is published
                cursor.execute(f"attach {_literal(self.bi_path)} as {ALIAS} (read_only)")
            return message
        finally:
            cursor.close()
