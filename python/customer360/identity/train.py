"""Train the matching model on a built DuckDB file (read-only) and save it as JSON, to pin it.

    customer360 train --db data/customer360.duckdb --out models/identity_model.json
    python -m customer360.identity.train --db data/customer360.duckdb --out models/identity_model.json

Every build trains its own model on the records it builds (``int_identity__match_model``); a saved
model is for reproducing a run: build with ``--vars '{identity_model_path: <file>}'`` and the build
scores with it, warning when the data's shape no longer fits it (its fingerprint). Reads
``int_identity__records`` and ``int_identity__deterministic_links`` (pairs known to be one person) and
runs the same training as the build (``customer360.identity.training``): prior from near-certain rules,
u by seeded random sampling, m by expectation maximisation and on the known pairs, the household
correction. Same data and seed in, same model out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

from ..progress import add_quiet_argument, steps_bar
from . import training
from .prepare import prepare_records


def read_inputs(db: str, records_table: str, links_table: str):
    con = duckdb.connect(db, read_only=True)
    try:
        records = con.sql(f"select * from {records_table}").to_arrow_table()
        links = con.sql(f"select * from {links_table}").to_arrow_table()
    finally:
        con.close()
    return prepare_records(records), links


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--db", required=True, help="DuckDB file built by dbt (opened read-only)")
    ap.add_argument("--out", required=True, help="where to write the model JSON")
    ap.add_argument("--seed", type=int, default=training.U_SAMPLING_SEED, help="seed of the random sampling")
    ap.add_argument("--records-table", default="intermediate.int_identity__records")
    ap.add_argument("--links-table", default="intermediate.int_identity__deterministic_links")
    add_quiet_argument(ap)


def run(a: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    records, links = read_inputs(a.db, a.records_table, a.links_table)
    print(f"{records.num_rows:,} person records and {links.num_rows:,} deterministic links read from {a.db}")
    with steps_bar("training", a.quiet) as progress:
        try:
            model, report = training.train(records, links, seed=a.seed, progress=progress)
        except training.NoModel as reason:
            print(f"nothing to train: {reason}")
            return 1
    print(f"usable columns: {', '.join(report.usable_columns)}")
    print(f"prediction rules: {', '.join(report.prediction_rules)}; prior {report.prior:.3g} "
          f"(rules: {', '.join(report.prior_rules) or 'none'}); EM passes: {', '.join(report.em_passes) or 'none'}")
    for name, pairs in sorted(report.labelled_comparisons.items()):
        print(f"  m of {name} counted on {pairs:,} known pairs")
    for note in report.skipped:
        print(f"  note: {note}")
    out = Path(a.out)
    out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"model written to {out} ({time.perf_counter() - t0:.1f} s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m customer360.identity.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    return ap


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
