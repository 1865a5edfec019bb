"""Start the web view: ``python -m customer360.webapp --bi data/customer360_bi.duckdb [--port 8501]``.

(also: ``customer360 app --bi data/customer360_bi.duckdb [--port 8501]``)

A thin wrapper around ``streamlit run`` on ``app.py``: headless, no usage statistics, no file watcher.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bi", help="BI DuckDB file (default: env CUSTOMER360_BI_DB_PATH, "
                                     "else data/customer360_bi.duckdb)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="localhost", help="interface to listen on (default localhost)")


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for the parsed arguments."""
    command = [
        "streamlit", "run", str(APP),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
        "--server.port", str(args.port), "--server.address", args.address,
    ]
    if args.bi:
        command += ["--", "--bi", args.bi]
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m customer360.webapp", description=__doc__)
    add_arguments(parser)
    return parser


def streamlit_argv(argv: list[str] | None = None) -> list[str]:
    return streamlit_command(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    from streamlit.web import cli

    sys.argv = streamlit_command(args)
    return cli.main()


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
