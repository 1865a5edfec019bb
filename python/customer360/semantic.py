"""Query the semantic layer (MetricFlow metrics of models/marts/*/_*__semantic_models.yml) from Python.

The same engine as the ``mf`` command, through the dbt project's profile target ``semantic``
(profiles.yml): an in-memory DuckDB with the BI file attached read-only as ``bi``, so a query reads
the published marts and nothing else. It needs ``target/semantic_manifest.json`` (any ``dbt parse``
or ``dbt build`` writes it) and a BI file that holds ``marts.metricflow_time_spine``.

    from customer360.semantic import SemanticLayer
    layer = SemanticLayer("data/customer360_bi.duckdb")
    layer.query(["customers"], group_by=["customer__customer_status"])
    # [{'customer__customer_status': 'active', 'customers': 237}, ...]
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
TARGET = "semantic"


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables while dbt renders profiles.yml, then put the old values back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class SemanticLayer:
    """A MetricFlow engine over one BI file, read-only."""

    def __init__(self, bi_path: str | Path, project_dir: str | Path = PROJECT_DIR) -> None:
        from dbt_metricflow.cli.cli_configuration import CLIConfiguration

        bi_path = Path(bi_path).resolve()
        project_dir = Path(project_dir).resolve()
        if not bi_path.exists():
            raise FileNotFoundError(f"BI database not found: {bi_path} (run `make build` first)")
        if not (project_dir / "target" / "semantic_manifest.json").exists():
            raise FileNotFoundError(
                f"{project_dir / 'target' / 'semantic_manifest.json'} is missing: run `dbt parse` first"
            )
        self.bi_path = bi_path
        self._config = CLIConfiguration()
        with _environment({"CUSTOMER360_TARGET": TARGET, "CUSTOMER360_BI_DB_PATH": str(bi_path)}):
            self._config.setup(
                dbt_profiles_path=project_dir, dbt_project_path=project_dir, configure_file_logging=False
            )

    def query(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
    ) -> list[dict]:
        """Rows of the metrics by the group-by items, as ``mf query`` returns them (one dict a row)."""
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by) or None,
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
        )
        table = self._config.mf.query(mf_request=request).result_df
        if table is None:
            return []
        return [dict(zip(table.column_names, row)) for row in table.rows]
