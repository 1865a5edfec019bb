"""The build benchmark's bookkeeping (``customer360.build_bench``); the builds themselves are measured, not tested."""

from pathlib import Path

from customer360 import build_bench


def test_a_fresh_build_has_no_database_and_no_target_left_by_an_earlier_build(tmp_path: Path):
    db = tmp_path / "full.duckdb"
    for path in (db, build_bench.bi_path(db), Path(str(db) + ".wal")):
        path.write_text("old")
    target = build_bench.target_of(db)
    (target / "logs").mkdir(parents=True)
    (target / "partial_parse.msgpack").write_text("seed paths of another project folder")
    other = tmp_path / "target_incremental"
    other.mkdir()

    build_bench.fresh(db)

    assert not db.exists() and not build_bench.bi_path(db).exists() and not Path(str(db) + ".wal").exists()
    assert not target.exists()
    assert other.exists()  # only this database's target goes
    assert target == tmp_path / "target_full"
