"""Layers only point down: the model graph of this project (one `dbt parse`, about 15 s) has no upward or
sideways edge and no folder loop, and the check does fail on each kind of problem it names."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from customer360 import layers

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "customer360"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    from dbt.cli.main import dbtRunner

    tmp = tmp_path_factory.mktemp("layers")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CUSTOMER360_DB_PATH", str(tmp / "parse.duckdb"))
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        result = dbtRunner().invoke([
            "parse", "--quiet", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
        ])
    assert result.success, result.exception
    return json.loads((tmp / "target" / "manifest.json").read_text(encoding="utf-8"))


def _node_id(manifest: dict, name: str) -> str:
    return next(k for k, v in manifest["nodes"].items() if v.get("name") == name and k.split(".")[0] in ("model", "snapshot"))


def test_the_project_has_no_upward_or_sideways_edge_and_no_folder_loop(manifest):
    report = layers.check(manifest)
    print("\n".join(report.lines()))
    assert report.nodes > 80 and report.edges > 250  # the check saw the whole graph
    assert report.ok, "\n".join(report.lines())


def test_every_layer_of_the_table_has_models(manifest):
    """A folder renamed away would leave a rank of the table checking nothing."""
    placed = {layers.place(k, v).layer for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    assert {layer for layer, _ in layers.LAYERS.values()} <= placed


def test_a_planted_upward_edge_and_folder_loop_fail_naming_them(manifest, tmp_path, capsys):
    """Today's graph with the two edges the refactor removed put back, in a copy of the manifest."""
    planted = copy.deepcopy(manifest)
    periods = planted["nodes"][_node_id(planted, "int_communications__contact_periods")]
    periods["depends_on"]["nodes"].append(_node_id(planted, "fct_customer_status_transitions"))
    stages = planted["nodes"][_node_id(planted, "fct_customer_lifecycle_stages")]
    stages["depends_on"]["nodes"].append(_node_id(planted, "fct_customer_events"))
    alerts = planted["nodes"][_node_id(planted, "fct_survey_alerts")]
    alerts["depends_on"]["nodes"].append(_node_id(planted, "stg_crm__tasks"))
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(planted), encoding="utf-8")

    assert layers.main(["--manifest", str(path)]) == 1
    out = capsys.readouterr().out
    assert "upward or sideways edges: 2" in out
    assert ("int_communications__contact_periods <- fct_customer_status_transitions "
            "(upward: communications reads marts)") in out
    assert "fct_survey_alerts <- stg_crm__tasks (skipping: a mart reads staging)" in out
    assert "folder loops: 1" in out and "marts/core -> marts/lifecycle -> marts/core" in out


def test_the_command_passes_on_the_project_manifest(manifest, tmp_path, capsys):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert layers.main(["--manifest", str(path)]) == 0
    out = capsys.readouterr().out
    assert "upward or sideways edges: 0" in out and "folder loops: 0" in out


def test_a_missing_manifest_says_to_parse(tmp_path, capsys):
    assert layers.main(["--manifest", str(tmp_path / "none.json")]) == 2
    assert "run `dbt parse` first" in capsys.readouterr().err


# -- each rule on a small graph ---------------------------------------------------------------------

def _model(name: str, path: str, *parents: str, resource: str = "model") -> tuple[str, dict]:
    return f"{resource}.{PROJECT}.{name}", {
        "resource_type": resource, "package_name": PROJECT, "name": name, "original_file_path": path,
        "depends_on": {"nodes": list(parents)},
    }


def _graph(*nodes: tuple[str, dict], exposures: dict | None = None, semantic_models: dict | None = None) -> dict:
    return {
        "metadata": {"project_name": PROJECT},
        "nodes": dict(nodes),
        "sources": {
            f"source.{PROJECT}.crm.tasks": {"resource_type": "source", "package_name": PROJECT,
                                            "source_name": "crm", "name": "tasks"},
        },
        "exposures": exposures or {},
        "semantic_models": semantic_models or {},
    }


SEED = ("seed.customer360.ref_x", {"resource_type": "seed", "package_name": PROJECT, "name": "ref_x",
                                   "original_file_path": "seeds/ref_x.csv", "depends_on": {"nodes": []}})
STG = _model("stg_crm__tasks", "models/staging/crm/stg_crm__tasks.sql", "source.customer360.crm.tasks")
CROSSWALK = _model("int_identity__crosswalk", "models/intermediate/identity/int_identity__crosswalk.sql", STG[0])
EVENTS = _model("int_customer__events", "models/intermediate/customer/int_customer__events.sql", CROSSWALK[0], SEED[0])
SURVEYS = _model("int_surveys__links", "models/intermediate/surveys/int_surveys__links.sql", EVENTS[0])
MART = _model("dim_customers", "models/marts/core/dim_customers.sql", EVENTS[0])


def _problems(*nodes, **kwargs) -> list[str]:
    report = layers.check(_graph(SEED, STG, CROSSWALK, EVENTS, SURVEYS, MART, *nodes, **kwargs))
    return report.bad_edges + [" -> ".join(loop) for loop in report.folder_loops] + report.unplaced


def test_a_graph_that_points_down_passes():
    assert _problems() == []


def test_sideways_between_domains_fails_but_marts_may_read_other_areas():
    roi = _model("int_roi__recoveries", "models/intermediate/roi/int_roi__recoveries.sql", SURVEYS[0])
    assert _problems(roi) == [
        "int_roi__recoveries <- int_surveys__links (sideways: intermediate/roi reads intermediate/surveys)"
    ]
    survey_mart = _model("fct_survey_alerts", "models/marts/surveys/fct_survey_alerts.sql", MART[0], SURVEYS[0])
    assert _problems(survey_mart) == []


def test_reading_up_or_skipping_fails():
    up = _model("int_customer__status", "models/intermediate/customer/int_customer__status.sql", MART[0])
    mart_on_staging = _model("fct_tasks", "models/marts/core/fct_tasks.sql", STG[0])
    source_outside_staging = _model("int_customer__tasks", "models/intermediate/customer/int_customer__tasks.sql",
                                    "source.customer360.crm.tasks")
    assert _problems(up, mart_on_staging, source_outside_staging) == [
        "fct_tasks <- stg_crm__tasks (skipping: a mart reads staging)",
        "int_customer__status <- dim_customers (upward: customer reads marts)",
        "int_customer__tasks <- crm.tasks (skipping: reads a source outside staging)",
        "intermediate/customer -> marts/core",  # the upward edge closes a loop with dim_customers
    ]


def test_a_folder_loop_is_named_once():
    core = _model("dim_x", "models/marts/core/dim_x.sql", "model.customer360.fct_y")
    lifecycle = _model("fct_y", "models/marts/lifecycle/fct_y.sql", EVENTS[0])
    lifecycle_back = _model("fct_z", "models/marts/lifecycle/fct_z.sql", core[0])
    assert _problems(core, lifecycle, lifecycle_back) == ["marts/core -> marts/lifecycle"]


def test_a_three_folder_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert layers._strongly_connected(graph) == [["a", "b", "c"]]


def test_a_folder_without_a_layer_is_reported():
    assert _problems(_model("int_misc__x", "models/intermediate/misc/int_misc__x.sql", EVENTS[0])) == [
        "models/intermediate/misc/int_misc__x.sql"
    ]


def test_the_identity_snapshot_belongs_to_identity():
    snapshot = _model("snp_identity__customer_ids", "snapshots/snp_identity__customer_ids.sql", CROSSWALK[0],
                      resource="snapshot")
    merges = _model("int_identity__merges", "models/intermediate/identity/int_identity__merges.sql", snapshot[0])
    assert layers.place(*snapshot).folder == "intermediate/identity"
    assert _problems(snapshot, merges) == []


def test_exposures_and_semantic_models_read_marts_only():
    exposure = {"exposure.customer360.bi": {"package_name": PROJECT, "name": "bi",
                                             "depends_on": {"nodes": [MART[0], EVENTS[0]]}}}
    semantic = {"semantic_model.customer360.customers": {"package_name": PROJECT, "name": "customers",
                                                         "depends_on": {"nodes": [CROSSWALK[0]]}}}
    assert _problems(exposures=exposure, semantic_models=semantic) == [
        "bi <- int_customer__events (not a mart: exposure reads customer)",
        "customers <- int_identity__crosswalk (not a mart: semantic model reads identity)",
    ]
