"""customer360: one command for what a user does with the project.

Each subcommand is the entry point of one module, reusing its argument definitions (``add_arguments``)
and its run function (``run``), so ``customer360 generate ...`` and ``python -m customer360.synth ...``
take the same arguments and do the same thing. A module is imported only when its subcommand is used,
so ``customer360 --help`` stays quick.

To add a subcommand: give its module ``add_arguments(parser)`` and ``run(args) -> int`` and list it in
``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from . import __version__


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line, shown in the parent's list
    module: str | None = None  # holds add_arguments(parser) and run(args); None for a group
    python_m: str | None = None  # the module's own command line, which keeps working
    examples: tuple[str, ...] = ()
    children: tuple[Command, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command(
        "generate", "generate a synthetic multi-source data set with its ground truth (raw/ and truth/)",
        "customer360.synth.__main__", "python -m customer360.synth",
        ("customer360 generate --customers 5000 --seed 42 --out data/demo",
         "customer360 generate --customers 400 --out data/test --as-of 2026-06-30 --quiet"),
    ),
    Command(
        "doctor", "check a landing folder against the raw-data contract before a build",
        "customer360.landing.doctor", "python -m customer360.landing.doctor",
        ("customer360 doctor --raw-path data/test/raw",
         "customer360 doctor --raw-path exports/ --vars '{source_policy_enabled: false}'",
         "customer360 doctor --raw-path exports/ --json > doctor.json"),
    ),
    Command(
        "evaluate", "score a build against the generator's ground truth",
        children=(
            Command("identity", "persons and households: pairwise and B-cubed precision, recall, F1",
                    "customer360.evaluate", "python -m customer360.evaluate",
                    ("customer360 evaluate identity --db data/customer360.duckdb --truth data/demo "
                     "--out target/identity_evaluation.csv",)),
            Command("surveys", "how often a survey response is linked to the experience that triggered it",
                    "customer360.evaluate.surveys", "python -m customer360.evaluate.surveys",
                    ("customer360 evaluate surveys --db data/customer360.duckdb --truth data/demo",)),
            Command("conflicts", "recall of the communication-conflict mart against the planted conflicts",
                    "customer360.evaluate.conflicts", "python -m customer360.evaluate.conflicts",
                    ("customer360 evaluate conflicts --db data/customer360.duckdb --truth data/demo",)),
            Command("stability", "share of unchanged customers keeping their id after ~5% new records "
                                 "(generates and builds twice)",
                    "customer360.evaluate.stability", "python -m customer360.evaluate.stability",
                    ("customer360 evaluate stability --customers 400",)),
        ),
    ),
    Command(
        "scenarios", "build the test data with each system switched off and with subsets of systems (the scenario matrix)",
        "customer360.scenarios", "python -m customer360.scenarios",
        ("customer360 scenarios --raw data/test/raw",
         "customer360 scenarios --raw data/test/raw --only crm_policy,billing --jobs 1"),
    ),
    Command(
        "train", "retrain the probabilistic matching model (Splink) on a built database",
        "customer360.identity.train", "python -m customer360.identity.train",
        ("customer360 train --db data/customer360.duckdb",
         "customer360 train --db data/customer360.duckdb --out /tmp/model.json"),
    ),
    Command(
        "bench", "benchmarks that print throughput or timings and peak memory",
        children=(
            Command("generator", "generator throughput at ~1M source records",
                    "customer360.synth.bench", "python -m customer360.synth.bench",
                    ("customer360 bench generator --records 1000000",)),
            Command("build", "full dbt build, +1% incremental build and marts equality at 100k / 1M / 10M records: "
                             "wall, CPU, peak memory, PASS/WARN/ERROR, load average",
                    "customer360.build_bench", "python -m customer360.build_bench",
                    ("customer360 bench build --sizes 100k",
                     "customer360 bench build --sizes 100k 1M --node-times --workdir data/bench",
                     "customer360 bench build --sizes 1M --with-10m --no-equality")),
            Command("identity", "identity-stage time and memory at ~100k and ~1M records, against Splink alone",
                    "customer360.identity_bench", "python -m customer360.identity_bench",
                    ("customer360 bench identity --records 100000 --repeat 1",)),
        ),
    ),
    Command(
        "app", "start the account managers' web view (Streamlit) on a BI file",
        "customer360.webapp.__main__", "python -m customer360.webapp",
        ("customer360 app --bi data/customer360_bi.duckdb --port 8501",),
    ),
    Command(
        "privacy-check", "check the published BI file for personal data outside the published columns",
        "customer360.privacy.check", "python -m customer360.privacy.check",
        ("customer360 privacy-check --bi data/customer360_bi.duckdb --private data/customer360.duckdb "
         "--manifest target/manifest.json --target-dir target",),
    ),
    Command(
        "layers", "check that the model graph only points down: no upward or sideways edge, no folder loop",
        "customer360.layers", "python -m customer360.layers",
        ("dbt parse && customer360 layers", "customer360 layers --manifest target/manifest.json"),
    ),
    Command(
        "erase", "erase a customer on request: record hashed keys in the erasure ledger, purge history; "
                 "every later build leaves her rows out",
        "customer360.privacy.erasure", "python -m customer360.privacy.erasure",
        ("customer360 erase --customer-id C0123456789abcdef --db data/customer360.duckdb",
         "customer360 erase --email ann@example.com --dry-run",
         "customer360 erase --customer-id C0123456789abcdef && make build"),
    ),
)

DESCRIPTION = "customer360: generate data, check a landing folder, evaluate, train, benchmark, serve the web view."
EPILOG = """examples:
  customer360 generate --customers 400 --out data/test
  customer360 doctor --raw-path data/test/raw
  customer360 evaluate identity --db data/customer360.duckdb --truth data/demo
  customer360 erase --customer-id C0123456789abcdef
  customer360 <command> --help

The dbt build itself runs through make (make build, make test) or dbt.
Every command also runs as python -m <module> (shown in each command's --help)."""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def _add(subparsers, command: Command, wanted: Sequence[str] | None) -> None:
    """Add ``command`` to ``subparsers``; import its module and add its arguments only when ``wanted`` is None
    (everything) or starts with its name."""
    examples = "\n".join(f"  {e}" for e in command.examples)
    epilog = "\n\n".join(part for part in (
        f"examples:\n{examples}" if examples else "",
        f"also runs as: {command.python_m} ..." if command.python_m else "",
    ) if part)
    parser = subparsers.add_parser(command.name, help=command.summary.replace("%", "%%"), description=command.summary,
                                   epilog=epilog or None, formatter_class=_formatter)
    populate = wanted is None or (wanted[:1] == [command.name])
    if command.children:
        children = parser.add_subparsers(dest=f"{command.name}_command", metavar="<what>", required=True,
                                         title="what to run")
        for child in command.children:
            _add(children, child, None if wanted is None else (wanted[1:] if populate else ["\0"]))
    elif populate:
        importlib.import_module(command.module).add_arguments(parser)
        parser.set_defaults(_command=command)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. With ``argv``, only the modules of the command it names are imported; without,
    every command gets its arguments (for tests and documentation)."""
    parser = argparse.ArgumentParser(prog="customer360", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"customer360 {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>", required=True, title="commands")
    wanted = None if argv is None else [a for a in argv if not a.startswith("-")][:2]
    for command in COMMANDS:
        _add(subparsers, command, wanted)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Call the chosen command's ``run(args)`` (looked up now, so a test can replace it)."""
    run = importlib.import_module(args._command.module).run
    return int(run(args) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
