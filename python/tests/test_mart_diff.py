"""customer360.mart_diff: the same marts compare equal whatever their row order; a changed value, a lost
row, a changed column type and a table on one side only are each reported."""

from __future__ import annotations

import duckdb
import pytest

from customer360 import mart_diff


def _bi(path, rows, extra_table=False, amount_type="decimal(18, 2)"):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.fct_x (customer_id varchar, amount_usd {amount_type}, is_new boolean)")
    con.executemany("insert into marts.fct_x values (?, ?, ?)", rows)
    con.execute("create table marts.dim_y as select 1 as y_id")
    if extra_table:
        con.execute("create table marts.only_here as select 1 as z")
    con.close()
    return path


ROWS = [("C1", 10.5, True), ("C2", None, False), ("C3", 0, None)]


def test_the_same_rows_in_another_order_are_the_same(tmp_path, capsys):
    before = _bi(tmp_path / "a.duckdb", ROWS)
    after = _bi(tmp_path / "b.duckdb", list(reversed(ROWS)))
    assert mart_diff.main([str(before), str(after)]) == 0
    out = capsys.readouterr().out
    assert "2 tables, 2 the same, 0 different" in out and "3 rows, md5" in out


@pytest.mark.parametrize("rows, kwargs, verdict", [
    ([("C1", 10.5, True), ("C2", None, False), ("C3", 0.01, None)], {}, "rows differ"),
    ([("C1", 10.5, True), ("C2", None, False), ("C3", 0, False)], {}, "rows differ"),  # null -> false
    (ROWS[:2], {}, "row count differs"),
    (ROWS, {"amount_type": "double"}, "columns differ"),
    (ROWS, {"extra_table": True}, "only after"),
])
def test_each_difference_is_reported(tmp_path, capsys, rows, kwargs, verdict):
    before = _bi(tmp_path / "a.duckdb", ROWS)
    after = _bi(tmp_path / "b.duckdb", rows, **kwargs)
    assert mart_diff.main([str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert verdict in out and "1 different" in out


def test_a_missing_file_is_an_error(tmp_path, capsys):
    assert mart_diff.main([str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
