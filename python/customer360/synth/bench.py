"""Throughput: python -m customer360.synth.bench --records 1000000  (also: customer360 bench generator)

Sizes --customers from a small calibration run, generates into a temp dir, prints the figures.
With --customers N and --shape (repeatable; one run set per value, e.g. default and a combined
shape such as non_us,heavy_corruption), times each shape at N customers instead (median of --repeat runs),
with the load average beside the figures.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time

from ..progress import add_quiet_argument, steps_bar
from .run import generate


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--records", type=int, default=1_000_000, help="target number of source records")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--as-of", default="2026-01-01")
    ap.add_argument("--customers", type=int, default=None, help="time --shape runs at this many customers")
    ap.add_argument("--shape", action="append", default=None, help="export shape(s) to time (with --customers)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per shape (with --customers)")
    add_quiet_argument(ap)


def _shapes(a: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for shape in a.shape or ["default"]:
            secs = []
            for k in range(a.repeat):
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                m = generate(a.customers, a.seed, f"{tmp}/{k}", a.as_of, shape=shape)
                secs.append(time.perf_counter() - t0)
            print(f"shape={shape} customers={a.customers} records={m['total_rows']} "
                  f"median_seconds={statistics.median(secs):.2f} runs={','.join(f'{s:.2f}' for s in secs)} "
                  f"load_average_1min_before_last={load:.2f}")
    return 0


def run(a: argparse.Namespace) -> int:
    if a.customers:
        return _shapes(a)
    with tempfile.TemporaryDirectory() as tmp:
        probe = generate(1000, a.seed, f"{tmp}/probe", a.as_of)
        customers = max(10, round(1000 * a.records / probe["total_rows"]))
        with steps_bar(f"generating ~{a.records:,} records", a.quiet) as progress:
            t0 = time.perf_counter()
            m = generate(customers, a.seed, f"{tmp}/bench", a.as_of, progress=progress)
            secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    rows = m["total_rows"]
    print(f"customers={customers} records={rows} seconds={secs:.1f} records_per_second={rows / secs:,.0f} "
          f"peak_memory_mib={peak:,.0f}")
    return 0 if secs < 60 else 1


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m customer360.synth.bench")
    add_arguments(ap)
    return ap


def main(argv=None):
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
