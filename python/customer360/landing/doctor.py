"""Check a landing folder against the raw-data contract before a build, and say what is missing.

    customer360 doctor --raw-path data/test/raw
    customer360 doctor --raw-path exports/ --vars '{source_policy_enabled: false}' --json
    python -m customer360.landing.doctor --raw-path data/test/raw          # the same

Reads the contract from ``models/staging/*/_*__sources.yml`` of the dbt project (``--project-dir``; by
default the folder holding ``dbt_project.yml`` at or above the current one), switches systems on and off
with the project's vars and ``--vars`` as dbt would, and inspects every enabled table's file (see
``customer360.landing.inspect``). Exit 1 when the build would fail (a file missing, empty or unreadable, a
required column missing), else 0; warnings (optional columns missing, unknown columns, many values that
do not parse) do not fail it. No row content is ever printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .contract import ContractError, effective_vars, parse_vars, read_contract
from .inspect import DEFAULT_SAMPLE_ROWS, DEFAULT_WARN_SHARE, format_report, inspect_landing

PACKAGE_PROJECT = Path(__file__).resolve().parents[3]  # the repository of an editable install


def find_project(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current one) with a dbt_project.yml, else the
    repository this package was installed from, else None."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    return PACKAGE_PROJECT if (PACKAGE_PROJECT / "dbt_project.yml").is_file() else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-path", help="landing folder (default: the var raw_path of --vars or dbt_project.yml, "
                                           "relative to the project folder)")
    parser.add_argument("--vars", help="dbt vars as YAML, as given to dbt build, e.g. "
                                       "'{source_policy_enabled: false}'")
    parser.add_argument("--project-dir", help="dbt project folder holding the contract (default: the nearest "
                                              "folder with a dbt_project.yml at or above the current one)")
    parser.add_argument("--sample-rows", type=int, default=DEFAULT_SAMPLE_ROWS,
                        help=f"rows read from each file for the type checks; 0 reads all (default "
                             f"{DEFAULT_SAMPLE_ROWS})")
    parser.add_argument("--warn-share", type=float, default=DEFAULT_WARN_SHARE,
                        help="share of a column's values that do not parse (or of a required column's rows "
                             f"that are empty) from which it is a warning, below it a note (default "
                             f"{DEFAULT_WARN_SHARE})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (for tools)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print the notes (small shares of values that do not parse, ...)")


def run(args: argparse.Namespace) -> int:
    project = Path(args.project_dir) if args.project_dir else find_project()
    if project is None or not (project / "dbt_project.yml").is_file():
        print(f"doctor: no dbt project found{f' at {project}' if project else ''}: give --project-dir",
              file=sys.stderr)
        return 2
    try:
        variables = effective_vars(project, parse_vars(args.vars))
        systems = read_contract(project)
    except (ValueError, ContractError) as e:
        print(f"doctor: {e}", file=sys.stderr)
        return 2
    raw = Path(args.raw_path) if args.raw_path else project / str(variables.get("raw_path", "data/raw"))
    report = inspect_landing(raw, systems, variables, args.sample_rows, args.warn_share)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_report(report, f"the contract in {project / 'models/staging'}", verbose=args.verbose))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.landing.doctor", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
