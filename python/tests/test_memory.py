"""The build's DuckDB memory budget (customer360.memory): dbt's database and the identity stage's each get
half, so the two together stay within the machine (at 10M records they did not: DECISIONS §56)."""

from __future__ import annotations

import duckdb
import pytest

from customer360 import memory
from customer360.identity import matching


def _setting(con, name: str) -> str:
    return con.sql(f"select current_setting('{name}')").fetchone()[0]


def test_sizes_are_read_in_duckdb_s_units():
    assert memory.parse_size("12GB") == 12 * 1000**3
    assert memory.parse_size("8 GiB") == 8 * 1024**3
    assert memory.parse_size("1.5gib") == int(1.5 * 1024**3)
    assert memory.parse_size("500") == 500  # bytes, as DuckDB reads a bare number
    for bad in ("twelve GB", "12 parsecs", "", "80%"):
        with pytest.raises(ValueError, match="CUSTOMER360_MEMORY_LIMIT"):
            memory.parse_size(bad)


def test_the_two_databases_share_the_budget_and_never_pass_it():
    environ = {memory.LIMIT_ENV: "8GiB"}
    assert memory.limit("build", environ) == memory.limit("identity", environ) == "4096MiB"
    default = memory.budget({})
    assert default == int(memory.physical_memory() * 0.8)
    halves = [memory.parse_size(memory.limit(part, {})) for part in ("build", "identity")]
    assert sum(halves) <= default < memory.physical_memory()


def test_the_identity_database_gets_its_share_and_spill_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(memory.LIMIT_ENV, "2GiB")
    monkeypatch.setenv(memory.SPILL_ENV, str(tmp_path / "spill"))
    monkeypatch.setenv(memory.SPILL_LIMIT_ENV, "3GiB")
    con = matching.connection()
    try:
        assert _setting(con, "memory_limit") == "1.0 GiB"
        assert _setting(con, "max_temp_directory_size") == "3.0 GiB"
        folder = _setting(con, "temp_directory")
        assert folder.startswith(str(tmp_path / "spill") + "/identity-")
        assert (tmp_path / "spill").is_dir()
    finally:
        con.close()


def test_two_identity_databases_never_delete_each_other_s_spilled_blocks(tmp_path, monkeypatch):
    """DuckDB names its temporary files alike in every database and deletes them when that database
    closes: in one shared folder, closing one database broke the other's next read of a spilled block
    ("Could not read enough bytes from file", the failed 10M build of DECISIONS §65). Each identity
    database spills into a folder of its own."""
    monkeypatch.setenv(memory.LIMIT_ENV, "128MiB")  # 64 MiB each: the tables below spill
    monkeypatch.setenv(memory.SPILL_ENV, str(tmp_path / "spill"))
    first, second = matching.connection(), matching.connection()
    try:
        assert _setting(first, "temp_directory") != _setting(second, "temp_directory")
        for con in (first, second):
            con.execute("set threads = 1")
            con.execute("create table t as select i, md5(i::varchar) as s from range(3000000) as r(i)")
        assert any((tmp_path / "spill").rglob("duckdb_temp_storage*")), "nothing spilled: the test proves nothing"
        second.close()
        assert first.execute("select count(*), max(s) from t").fetchone()[0] == 3000000
    finally:
        first.close()
        second.close()
    assert not any((tmp_path / "spill").iterdir())  # DuckDB removed each database's folder on close


def test_dbt_s_database_gets_the_build_share(monkeypatch):
    monkeypatch.setenv(memory.LIMIT_ENV, "3GiB")
    con = duckdb.connect()
    memory.configure(con, "build")
    assert _setting(con, "memory_limit") == "1.5 GiB"


def test_a_bad_budget_stops_with_the_variable_named(monkeypatch):
    monkeypatch.setenv(memory.LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match="CUSTOMER360_MEMORY_LIMIT='lots'"):
        matching.connection()
    monkeypatch.setenv(memory.LIMIT_ENV, "1GB")
    monkeypatch.setenv(memory.SPILL_LIMIT_ENV, "half the disk")
    with pytest.raises(ValueError, match="CUSTOMER360_SPILL_LIMIT='half the disk'"):
        matching.connection()
