"""The web view's exposure lists exactly the marts the app reads."""

import re
from pathlib import Path

import yaml

from customer360.webapp import queries

EXPOSURES = Path(__file__).resolve().parents[2] / "models" / "marts" / "_marts__exposures.yml"


def _depends_on(name):
    exposures = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]
    (exposure,) = [e for e in exposures if e["name"] == name]
    return {re.fullmatch(r"ref\('([a-z0-9_]+)'\)", ref).group(1) for ref in exposure["depends_on"]}


def test_web_view_exposure_matches_the_tables_the_app_reads():
    assert _depends_on("account_manager_web_view") == set(queries.APP_TABLES)


def test_every_exposure_reads_only_models_the_bi_database_publishes():
    published = _depends_on("bi_database")
    for name in ("account_manager_web_view", "account_manager_survey_alerts", "marketing_suppression_list"):
        assert _depends_on(name) <= published, name
