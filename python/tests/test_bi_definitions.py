"""The semantic layer's YAML and Superset's asset bundle hold together, without a build or a server.

- every semantic model, entity, dimension and measure, and every metric, is described (metrics also
  labelled), and every semantic model reads a published mart;
- the survey scores are guarded against mixing programs;
- Superset's bundle: the connection opens the BI file read-only with the BI reader's settings and allows
  no DML or upload; every chart's dataset, every dataset's connection and every dashboard chart exist;
  every physical dataset is a published mart.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from customer360.privacy.reader import READER_CONFIG

REPO = Path(__file__).resolve().parents[2]
MARTS = REPO / "models" / "marts"
BUNDLE = REPO / "bi" / "superset" / "dashboard"


def _semantic_files() -> list[Path]:
    return sorted(MARTS.glob("*/_*__semantic_models.yml"))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _mart_names() -> set[str]:
    return {path.stem for path in MARTS.rglob("*.sql")}


def test_every_semantic_object_and_metric_is_described():
    files = _semantic_files()
    assert {path.parent.name for path in files} >= {"core", "lifecycle", "surveys", "communications", "roi"}
    marts = _mart_names()
    metrics = []
    for path in files:
        content = _load(path)
        for model in content.get("semantic_models", []):
            where = f"{path.name}: semantic model {model['name']}"
            assert (model.get("description") or "").strip(), where
            assert model["model"].removeprefix("ref('").removesuffix("')") in marts, where
            for kind in ("entities", "dimensions", "measures"):
                for item in model.get(kind, []):
                    assert (item.get("description") or "").strip(), f"{where}: {kind} {item['name']}"
        metrics += content.get("metrics", [])
    for metric in metrics:
        assert (metric.get("description") or "").strip() and metric.get("label"), metric["name"]
    names = [metric["name"] for metric in metrics]
    assert len(names) == len(set(names))
    agreed = {"customers", "new_customers", "lost_customers", "lost_customers_contractual", "lost_customers_silent",
              "reactivated_customers", "churn_rate", "monthly_churn_rate", "active_customers", "revenue", "clv",
              "nps", "csat", "ces", "alerts_closed_within_sla", "alert_time_to_close_hours",
              "communication_conflicts", "duplicates_removed", "program_roi"}
    assert agreed <= set(names), agreed - set(names)


@pytest.mark.parametrize("score", ["nps", "csat", "ces", "ces_easy_percent"])
def test_survey_scores_are_guarded_against_mixing_programs(score):
    (metric,) = [m for path in _semantic_files() for m in _load(path).get("metrics", []) if m["name"] == score]
    params = metric["type_params"]
    assert "programs = 1" in params["expr"] and "survey_min_cell_size" in params["expr"]
    metric_type = "ces" if score.startswith("ces") else score
    for inputs in params["metrics"]:
        assert inputs["filter"] == f"{{{{ Dimension('survey_response__metric') }}}} = '{metric_type}'", inputs


def _bundle() -> dict[str, dict]:
    return {path.relative_to(BUNDLE).as_posix(): _load(path) for path in BUNDLE.rglob("*.yaml")}


def test_superset_connection_is_the_bi_file_read_only():
    (database,) = [config for name, config in _bundle().items() if name.startswith("databases/")]
    assert database["sqlalchemy_uri"] == "__CUSTOMER360_BI_URI__"  # provision.py fills in the BI file only
    connect_args = database["extra"]["engine_params"]["connect_args"]
    assert connect_args["read_only"] is True
    for setting, value in READER_CONFIG.items():
        assert connect_args["config"][setting] == value, setting
    assert not any(database[flag] for flag in ("allow_dml", "allow_ctas", "allow_cvas", "allow_csv_upload"))


def test_superset_bundle_references_resolve():
    bundle = _bundle()
    assert bundle["metadata.yaml"]["type"] == "assets"
    of = {kind: {config["uuid"]: config for name, config in bundle.items() if name.startswith(f"{kind}/")}
          for kind in ("databases", "datasets", "charts", "dashboards")}
    marts = _mart_names()
    for dataset in of["datasets"].values():
        assert dataset["database_uuid"] in of["databases"], dataset["table_name"]
        if not dataset.get("sql"):
            assert dataset["schema"] == "marts" and dataset["table_name"] in marts, dataset["table_name"]
        columns = {column["column_name"] for column in dataset["columns"]}
        assert dataset.get("main_dttm_col") in columns | {None}
    for chart in of["charts"].values():
        assert chart["dataset_uuid"] in of["datasets"], chart["slice_name"]
        assert chart["viz_type"] == chart["params"]["viz_type"], chart["slice_name"]
    (dashboard,) = of["dashboards"].values()
    placed = {item["meta"]["uuid"] for item in dashboard["position"].values()
              if isinstance(item, dict) and item.get("type") == "CHART"}
    assert placed == set(of["charts"]), "every chart is on the dashboard, and only those"
