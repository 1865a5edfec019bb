"""The build's DuckDB files: private whatever starts dbt, and the BI file swapped in whole.

The profile in profiles.yml is rendered as dbt renders it and handed to dbt-duckdb's own environment
(``dbt.adapters.duckdb.environments``), so these tests open the databases the way every dbt command does:
plugins first, then the attachments; the dbt command is set in dbt's global flags.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
import yaml

from customer360.privacy import database_files
from customer360.privacy.reader import connect_bi

REPO = Path(__file__).resolve().parents[2]
SALT = "0123456789abcdef-test-salt"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _restore_process_state(monkeypatch):
    """The plugin sets the umask of the dbt process and reads dbt's global flags: put both back."""
    import dbt.flags

    umask = os.umask(0o022)
    flags = dbt.flags.get_flags()
    monkeypatch.setenv("CUSTOMER360_PII_SALT", SALT)
    yield
    os.umask(umask)
    dbt.flags.set_flags(flags)


@contextmanager
def _dbt_session(monkeypatch, private: Path, command: str):
    """Open the project's profile (profiles.yml, target dev) as dbt ``command`` does; yields a cursor and
    closes the database at the end, as the dbt process does when it exits."""
    import dbt.flags
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.adapters.duckdb.environments import create
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    monkeypatch.setenv("CUSTOMER360_DB_PATH", str(private))
    monkeypatch.delenv("CUSTOMER360_BI_DB_PATH", raising=False)
    set_invocation_context(dict(os.environ))  # what the dbt CLI does: env_var() reads it
    dbt.flags.set_flags(argparse.Namespace(WHICH=command))
    profile = yaml.safe_load((REPO / "profiles.yml").read_text())["customer360"]["outputs"]["dev"]
    rendered = ProfileRenderer({}).render_data(profile)
    rendered.pop("type")
    environment = create(DuckDBCredentials.from_dict(rendered))
    handle = environment.handle()
    try:
        yield handle.cursor()
    finally:
        handle.close()
        environment.close()


def _published(bi: Path, value: int) -> Path:
    """A published BI file with marts.t = value, readable by everyone (as an old build left it)."""
    with duckdb.connect(str(bi)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.t as select {value} as x")
    os.chmod(bi, 0o644)
    return bi


def _value(con) -> int:
    return con.execute("select x from marts.t").fetchone()[0]


def test_plain_dbt_command_leaves_the_private_file_private(tmp_path):
    """`dbt debug` (no make, no chmod afterwards) on a fresh path: private file 600, its log 600."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "CUSTOMER360_DB_PATH": str(tmp_path / "fresh.duckdb")}
    env.pop("CUSTOMER360_BI_DB_PATH", None)
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([str(dbt), "debug", "--connection", "--log-path", str(tmp_path / "logs")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    assert oct(_mode(tmp_path / "fresh.duckdb")) == oct(0o600)
    assert oct(_mode(tmp_path / "logs" / "dbt.log")) == oct(0o600)
    assert not (tmp_path / "fresh_bi.duckdb").exists()  # debug only reads the BI file; there is none


def test_build_with_a_reader_open_publishes_a_new_bi_file(monkeypatch, tmp_path):
    """A reader holds the published file while a build runs: the build is not blocked, the reader keeps
    reading the old file whole, and a reader opened after the swap sees the new one."""
    private, bi = tmp_path / "c360.duckdb", _published(tmp_path / "c360_bi.duckdb", 1)
    reader = connect_bi(bi)
    assert _value(reader) == 1
    building = database_files.building_path(bi)
    try:
        with _dbt_session(monkeypatch, private, "build") as cursor:  # before: a lock error on the BI file
            assert building.exists()  # the marts are written to a copy ...
            assert cursor.execute("select x from bi.marts.t").fetchone()[0] == 1  # ... of the published file
            cursor.execute("create or replace table bi.marts.t as select 2 as x")
            assert _value(reader) == 1
            message = cursor.execute(f"select {database_files.FINISH_FUNCTION}(0)").fetchone()[0]
            assert message == f"BI database published: {bi}"
            assert not building.exists() and not database_files.wal_path(building).exists()
            assert _value(reader) == 1  # the open reader still reads the file it opened
            with connect_bi(bi) as fresh:  # a new reader (same process, the old one still open) sees the build
                assert _value(fresh) == 2
            assert cursor.execute("select x from bi.marts.t").fetchone()[0] == 2  # dbt now reads it too
    finally:
        reader.close()
    assert oct(_mode(private)) == oct(0o600)
    assert oct(_mode(bi)) == oct(0o640)


def test_failed_build_leaves_the_published_file(monkeypatch, tmp_path):
    private, bi = tmp_path / "c360.duckdb", _published(tmp_path / "c360_bi.duckdb", 1)
    before = bi.read_bytes()
    with _dbt_session(monkeypatch, private, "run") as cursor:
        cursor.execute("create or replace table bi.marts.t as select 2 as x")
        message = cursor.execute(f"select {database_files.FINISH_FUNCTION}(3)").fetchone()[0]
    assert message.startswith("BI database not published: 3 node(s) failed or skipped")
    assert bi.read_bytes() == before
    assert not database_files.building_path(bi).exists()
    with connect_bi(bi) as con:
        assert _value(con) == 1


def test_first_build_publishes_a_new_file_and_a_stale_copy_is_not_reused(monkeypatch, tmp_path):
    private, bi = tmp_path / "c360.duckdb", tmp_path / "c360_bi.duckdb"
    stale = database_files.building_path(bi)
    stale.write_bytes(b"left by an interrupted build")
    with _dbt_session(monkeypatch, private, "build") as cursor:
        cursor.execute("create schema bi.marts")
        cursor.execute("create table bi.marts.t as select 5 as x")
        cursor.execute(f"select {database_files.FINISH_FUNCTION}(0)")
    with connect_bi(bi) as con:
        assert _value(con) == 5
    assert oct(_mode(bi)) == oct(0o640) and not stale.exists()


@pytest.mark.parametrize("command", ["generate", "compile", "show", "test", "debug"])
def test_reading_commands_attach_the_published_file_read_only(monkeypatch, tmp_path, command):
    private, bi = tmp_path / "c360.duckdb", _published(tmp_path / "c360_bi.duckdb", 1)
    reader = connect_bi(bi)  # a reader does not block docs generate, compile …
    try:
        with _dbt_session(monkeypatch, private, command) as cursor:
            assert cursor.execute("select x from bi.marts.t").fetchone()[0] == 1
            with pytest.raises(duckdb.Error, match="read-only"):
                cursor.execute("create table bi.marts.u as select 1 as x")
            assert cursor.execute(f"select {database_files.FINISH_FUNCTION}(0)").fetchone()[0] == ""
    finally:
        reader.close()
    assert not database_files.building_path(bi).exists()


def test_reading_command_without_a_bi_file_creates_none(monkeypatch, tmp_path):
    with _dbt_session(monkeypatch, tmp_path / "c360.duckdb", "generate") as cursor:
        assert cursor.execute("select count(*) from duckdb_tables() where database_name = 'bi'").fetchone()[0] == 0
    assert not (tmp_path / "c360_bi.duckdb").exists()


def test_unknown_command_writes_the_published_file_directly(monkeypatch, tmp_path):
    private, bi = tmp_path / "c360.duckdb", _published(tmp_path / "c360_bi.duckdb", 1)
    with _dbt_session(monkeypatch, private, "run-operation") as cursor:
        cursor.execute("create or replace table bi.marts.t as select 7 as x")
    with connect_bi(bi) as con:
        assert _value(con) == 7
    assert oct(_mode(bi)) == oct(0o640)


def test_private_file_left_readable_by_an_old_build_is_made_private(monkeypatch, tmp_path):
    private = tmp_path / "c360.duckdb"
    duckdb.connect(str(private)).close()
    os.chmod(private, 0o644)
    with _dbt_session(monkeypatch, private, "debug"):
        pass
    assert oct(_mode(private)) == oct(0o600)


def test_connect_bi_opens_the_file_published_now(tmp_path):
    """Without this, DuckDB's per-process instance cache hands a new connection the database already open
    for that path: a web view that always has a page open would never see a new build."""
    bi = _published(tmp_path / "c360_bi.duckdb", 1)
    old = connect_bi(bi)
    new_build = _published(tmp_path / "next_bi.duckdb", 2)
    os.replace(new_build, bi)
    again = connect_bi(bi)
    try:
        assert (_value(old), _value(again)) == (1, 2)
        with pytest.raises(duckdb.Error):
            again.execute(f"attach '{tmp_path / 'other.duckdb'}' as other")
    finally:
        old.close()
        again.close()


def test_building_path_sits_beside_the_published_file():
    assert database_files.building_path("data/c360_bi.duckdb") == Path("data/c360_bi.building.duckdb")
    assert database_files.command_mode("build") == database_files.BUILD
    assert database_files.command_mode("generate") == database_files.READ
    assert database_files.command_mode(None) == database_files.DIRECT
