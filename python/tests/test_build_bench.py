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


def test_the_measured_build_is_a_production_build_without_unit_tests_unless_asked():
    """The README's own-exports command leaves the unit tests out (fixed fixtures, the same result on every
    data set; dbt Labs runs them in development and CI only, and make test runs them): so does the bench."""
    from dbt.cli.main import cli

    option = next(p for p in cli.commands["build"].params if p.name == "exclude_resource_types")
    parser = build_bench.argparse.ArgumentParser()
    build_bench.add_arguments(parser)
    production = build_bench.build_command(parser.parse_args([]), "{}")
    assert production[1:] == ["build", "--vars", "{}", "--exclude-resource-type", "unit_test"]
    assert "--exclude-resource-type" in option.opts and "unit_test" in option.type.choices  # this dbt accepts it
    assert build_bench.build_command(parser.parse_args(["--unit-tests"]), "{}")[1:] == ["build", "--vars", "{}"]
    readme = (build_bench.REPO / "README.md").read_text(encoding="utf-8")
    assert "dbt build --exclude-resource-type unit_test --vars '{raw_path: <dir>" in readme


def test_the_incremental_build_reads_the_next_export_from_the_same_path(tmp_path: Path):
    """The +1% build is a company's next build: its export folder keeps its path (so dbt's vars, and with
    them its partial parse, stay the same) while it now holds the larger data set."""
    base, plus1 = tmp_path / "base" / "raw", tmp_path / "plus1" / "raw"
    for folder, text in ((base, "day 1"), (plus1, "day 2")):
        folder.mkdir(parents=True)
        (folder / "contacts.csv").write_text(text)
    raw = build_bench.point_raw(tmp_path / "raw", base)
    assert (raw / "contacts.csv").read_text() == "day 1"
    assert build_bench.point_raw(tmp_path / "raw", plus1) == raw
    assert (raw / "contacts.csv").read_text() == "day 2"
    assert base.exists() and plus1.exists()  # the data sets themselves stay
