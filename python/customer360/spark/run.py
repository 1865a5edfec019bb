"""dbt on Spark with the project's ``session`` submission helper registered.

    python -m customer360.spark.run build --target spark --vars '{raw_path: data/test/raw}'

Takes exactly dbt's arguments (``make test-spark`` and ``make spark-build`` call it with the ``spark``
target). On Databricks use dbt-databricks instead: it submits Python models itself.
"""

from __future__ import annotations

import sys

from customer360.spark.submission import install


def main(argv: list[str] | None = None) -> None:
    install()
    from dbt.cli.main import cli

    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="dbt")


if __name__ == "__main__":
    main()
