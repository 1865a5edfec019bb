"""CLI: python -m customer360.synth --customers N --seed S --out DIR [--as-of D] [--error-rate R] [--extra-share X]

Also ``customer360 generate`` (same arguments).
"""

import argparse
import datetime as dt
import time

from ..progress import add_quiet_argument, steps_bar
from .run import generate


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--customers", type=int, required=True, help="number of customers (people who bought)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output folder (raw/ and truth/ are written inside)")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD, default today (UTC)")
    ap.add_argument("--error-rate", type=float, default=0.01, help="share of malformed rows per table")
    ap.add_argument("--extra-share", type=float, default=0.0, help="append this share of extra records")
    add_quiet_argument(ap)


def run(a: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    with steps_bar("generating", a.quiet) as progress:
        m = generate(a.customers, a.seed, a.out, a.as_of, a.error_rate, a.extra_share, progress=progress)
    print(f"wrote {m['total_rows']} rows in {len(m['row_counts'])} tables to {a.out} "
          f"({time.perf_counter() - t0:.1f} s, as_of {m['as_of']})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m customer360.synth", description=__doc__)
    add_arguments(ap)
    return ap


def main(argv=None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    main()
