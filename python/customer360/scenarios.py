"""The scenario matrix: the project built with different subsets of source systems and export shapes.

    python -m customer360.scenarios --raw data/test/raw                 # every scenario, 2 at a time
    python -m customer360.scenarios --raw data/test/raw --only crm_policy,billing

A company starts with two systems (seed essay 004) and its exports look like nobody else's, so every
subset and shape a company may have is built here, as Fivetran's packages do with their integration-test
scenarios: each system switched off in turn, and the subsets {crm, policy}, {orders, billing},
{crm, surveys}, {billing} and {pos, web}. Each scenario is a full ``dbt build`` (seeds, snapshots, models,
unit tests and data tests) into a DuckDB file of its own; it passes when dbt reports no error and no
skipped node. Work the main test build already does is not repeated:

- the data tests of the staging models and of the macros read nothing but one system's landed file or
  literals, so a scenario gives them the same input as the full build and they are left out
  (``SHARED_WITH_THE_FULL_BUILD``);
- the ten "one system switched off" scenarios differ from the full build only in what is enabled, so
  they build with ``--empty`` (every model and test runs, on no rows; unit tests run on their fixtures):
  that is what breaks when a system is switched off — a model or unit test naming a disabled model, a
  union over nothing, a Python model handed no rows. The five subsets build on the data.

Prints one line per scenario (systems on, PASS / WARN / ERROR / SKIP counts, customers resolved, seconds)
and exits 1 when any scenario fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

SYSTEMS = ("crm", "marketing", "orders", "billing", "support", "contact_center", "surveys", "pos", "web", "policy")

#: Subsets a company may start with (issue 13), besides each system switched off in turn.
SUBSETS: dict[str, tuple[str, ...]] = {
    "crm_policy": ("crm", "policy"),
    "orders_billing": ("orders", "billing"),
    "crm_surveys": ("crm", "surveys"),
    "billing": ("billing",),
    "pos_web": ("pos", "web"),
}

#: Nodes whose input does not depend on which systems are on: the full test build runs them already.
SHARED_WITH_THE_FULL_BUILD = (
    "resource_type:test,path:models/staging",
    "path:tests/macros",
    # reads nothing but a seed (which --empty would hand it with no rows)
    "path:tests/roi/assert_roi_assumptions_are_complete.sql",
)


@dataclass
class Scenario:
    name: str
    systems: tuple[str, ...]
    vars: dict = field(default_factory=dict)
    empty: bool = False  # dbt build --empty: every node, no rows

    def dbt_vars(self, raw_path: str) -> dict:
        flags = {f"source_{s}_enabled": s in self.systems for s in SYSTEMS}
        return {"raw_path": raw_path, **flags, **self.vars}


def scenarios() -> list[Scenario]:
    """Each system switched off in turn, then the named subsets."""
    found = [Scenario(f"without_{s}", tuple(x for x in SYSTEMS if x != s), empty=True) for s in SYSTEMS]
    found += [Scenario(name, systems) for name, systems in SUBSETS.items()]
    return found


@dataclass
class Result:
    scenario: Scenario
    counts: dict
    customers: int | None
    seconds: float
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.counts.get("error") and not self.counts.get("skipped")


def _counts(run_results: Path) -> dict:
    counts: dict[str, int] = {}
    for result in json.loads(run_results.read_text())["results"]:
        status = str(result["status"]).lower()
        key = {"success": "pass", "pass": "pass", "warn": "warn", "error": "error", "fail": "error",
               "skipped": "skipped", "runtime error": "error"}.get(status, status)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _customers(database: Path) -> int | None:
    import duckdb

    try:
        con = duckdb.connect(str(database), read_only=True)
        try:
            return con.sql("select count(distinct customer_id) from intermediate.int_identity__crosswalk").fetchone()[0]
        finally:
            con.close()
    except duckdb.Error:
        return None


def run_scenario(scenario: Scenario, raw_path: str, workdir: Path, dbt: str, threads: int) -> Result:
    """One full ``dbt build`` of ``scenario`` into ``workdir/<name>/``."""
    folder = workdir / scenario.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = folder / "customer360.duckdb"
    env = {**os.environ, "CUSTOMER360_DB_PATH": str(database), "CUSTOMER360_THREADS": str(threads),
           "DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}
    command = [dbt, "build", "--vars", json.dumps(scenario.dbt_vars(raw_path))] + (["--empty"] if scenario.empty else [])
    for selection in SHARED_WITH_THE_FULL_BUILD:
        command += ["--exclude", selection]
    started = time.perf_counter()
    with open(folder / "dbt.out", "w", encoding="utf-8") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - started
    run_results = folder / "target" / "run_results.json"
    error = None
    counts: dict = {}
    if run_results.exists():
        counts = _counts(run_results)
    if done.returncode != 0 and not counts.get("error"):
        error = f"dbt exited {done.returncode} (see {folder / 'dbt.out'})"
    return Result(scenario, counts, _customers(database), seconds, error)


def print_matrix(results: list[Result], out=sys.stdout) -> None:
    out.write(f"{'scenario':<24} {'rows':<5} {'systems on':<58} {'PASS':>5} {'WARN':>5} {'ERROR':>5} {'SKIP':>5} "
              f"{'customers':>9} {'seconds':>7}  result\n")
    for r in results:
        c = r.counts
        out.write(
            f"{r.scenario.name:<24} {'none' if r.scenario.empty else 'all':<5} {','.join(r.scenario.systems):<58} "
            f"{c.get('pass', 0):>5} {c.get('warn', 0):>5} "
            f"{c.get('error', 0):>5} {c.get('skipped', 0):>5} {r.customers if r.customers is not None else '-':>9} "
            f"{r.seconds:>7.1f}  {'ok' if r.passed else (r.error or 'FAILED')}\n"
        )


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--raw", required=True, help="landing folder to build every scenario from (e.g. data/test/raw)")
    ap.add_argument("--workdir", default="data/scenarios", help="one folder per scenario is written here")
    ap.add_argument("--only", help="comma-separated scenario names (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="scenarios built at the same time")
    ap.add_argument("--threads", type=int, default=2, help="dbt threads per scenario")
    ap.add_argument("--dbt", default=str(Path(sys.executable).with_name("dbt")), help="the dbt executable")


def run(a: argparse.Namespace) -> int:
    chosen = scenarios()
    if a.only:
        wanted = set(a.only.split(","))
        unknown = wanted - {s.name for s in chosen}
        if unknown:
            print(f"unknown scenario(s): {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in chosen)}",
                  file=sys.stderr)
            return 2
        chosen = [s for s in chosen if s.name in wanted]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        results = list(pool.map(lambda s: run_scenario(s, a.raw, Path(a.workdir), a.dbt, a.threads), chosen))
    print_matrix(results)
    print(f"{len(results)} scenarios in {time.perf_counter() - started:.0f} s "
          f"(load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end)")
    failed = [r.scenario.name for r in results if not r.passed]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m customer360.scenarios", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
