"""Retrain the probabilistic matching model on a built DuckDB file (read-only) and save it as JSON.

    python -m customer360.identity.train --db data/customer360.duckdb \\
        --out python/customer360/identity/splink_model.json
    customer360 train --db data/customer360.duckdb        # the same, through the command line

Reads ``int_identity__records`` (built by ``dbt build``), estimates the model
without labels (prior from near-certain rules, u by seeded random sampling, m by expectation
maximisation) and writes the Splink settings with their m and u probabilities. The blocked pair
counts of the prediction blocking rules are printed. Same data in, same model out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

from ..progress import add_quiet_argument, steps_bar
from . import matching
from .prepare import prepare_records


def read_inputs(db: str, records_table: str):
    con = duckdb.connect(db, read_only=True)
    try:
        records = con.sql(f"select * from {records_table}").to_arrow_table()
    finally:
        con.close()
    return prepare_records(records)


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--db", required=True, help="DuckDB file built by dbt (opened read-only)")
    ap.add_argument("--out", default=str(matching.MODEL_PATH), help="where to write the model JSON")
    ap.add_argument("--records-table", default="intermediate.int_identity__records")
    add_quiet_argument(ap)


def run(a: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    records = read_inputs(a.db, a.records_table)
    print(f"{records.num_rows} named person records read from {a.db}")
    for row in matching.count_blocked_pairs(records):
        print(f"  blocking rule {row['blocking_rule']:<28} +{row['pairs_marginal']:>10,} pairs"
              f"  (cumulative {row['pairs_cumulative']:,})")
    with steps_bar("training", a.quiet) as progress:
        model = matching.train(records, progress=progress)
    out = Path(a.out)
    out.write_text(json.dumps(model, indent=2, sort_keys=False) + "\n", encoding="utf-8")
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
