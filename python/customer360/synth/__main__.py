"""CLI: python -m customer360.synth --customers N --seed S --out DIR [--as-of D] [--error-rate R] [--extra-share X]
[--shape NAME[,NAME]] [--country GB|DE|AU] [--drop-empty-columns] [--corruption-share S] [--corruption-typo-rate T]

Also ``customer360 generate`` (same arguments).
"""

import argparse
import datetime as dt
import sys
import time

from ..progress import add_quiet_argument, steps_bar
from . import shapes
from .run import generate, shape_spec

SHAPE_HELP = "export shape(s), repeatable or comma-separated, combined (default: default):\n" + "\n".join(
    f"  {name:<23} {text}" for name, text in shapes.SHAPES.items()) + (
    f"\nmissing_tables leaves out: {', '.join(shapes.ABSENT_TABLES)}"
    f"\nno_loader_columns removes: {', '.join(shapes.LOADER_COLUMNS)}")


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--customers", type=int, required=True, help="number of customers (people who bought)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output folder (raw/ and truth/ are written inside)")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD, default today (UTC)")
    ap.add_argument("--error-rate", type=float, default=0.01, help="share of malformed rows per table")
    ap.add_argument("--extra-share", type=float, default=0.0, help="append this share of extra records")
    ap.add_argument("--shape", action="append", default=None, metavar="NAME", help=SHAPE_HELP)
    ap.add_argument("--country", default=None,
                    help=f"country of the non_us shape: GB, DE or AU (default {shapes.COUNTRY_DEFAULT})")
    ap.add_argument("--drop-empty-columns", action="store_true",
                    help="remove the columns that no_email_phone or id_only empty from the files")
    ap.add_argument("--corruption-share", type=float, default=None,
                    help=f"heavy_corruption: share of person records hit "
                         f"(default {shapes.CORRUPTION_DEFAULTS['share']})")
    ap.add_argument("--corruption-typo-rate", type=float, default=None,
                    help=f"heavy_corruption: extra name-typo rate on every person record "
                         f"(default {shapes.CORRUPTION_DEFAULTS['typo_rate']})")
    add_quiet_argument(ap)


def run(a: argparse.Namespace) -> int:
    corruption = {k: v for k, v in (("share", a.corruption_share), ("typo_rate", a.corruption_typo_rate))
                  if v is not None}
    try:
        shape_spec(a.shape, a.country, corruption, a.drop_empty_columns)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with steps_bar("generating", a.quiet) as progress:
        m = generate(a.customers, a.seed, a.out, a.as_of, a.error_rate, a.extra_share, progress=progress,
                     shape=a.shape, country=a.country, corruption=corruption,
                     drop_empty_columns=a.drop_empty_columns)
    shaped = f", shapes {','.join(m['shapes'])}" if "shapes" in m else ""
    print(f"wrote {m['total_rows']} rows in {len(m['row_counts'])} tables to {a.out} "
          f"({time.perf_counter() - t0:.1f} s, as_of {m['as_of']}{shaped})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m customer360.synth", description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    add_arguments(ap)
    return ap


def main(argv=None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
