"""The semantic layer's metrics equal the marts' own figures on the test build.

Runs after the dbt test build (`make metrics-test`, part of `make test`): CUSTOMER360_TEST_BI_DB names
the test build's BI file, and target/semantic_manifest.json is that build's. Metrics are queried through
MetricFlow (customer360.semantic, the engine behind `mf query`, profile target `semantic`: the BI file
only, read-only); expected figures are read from the published marts with the BI reader. Whatever the
build holds, the two must agree.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from customer360.privacy.reader import connect_bi
from customer360.semantic import PROJECT_DIR, SemanticLayer

pytestmark = pytest.mark.semantic

LIVE_STATUSES = ("new", "active", "reactivated")


@pytest.fixture(scope="module")
def bi_file() -> Path:
    given = os.environ.get("CUSTOMER360_TEST_BI_DB")
    if not given:
        pytest.skip("needs the dbt test build: run `make metrics-test` (sets CUSTOMER360_TEST_BI_DB)")
    path = Path(given)
    assert path.exists(), f"CUSTOMER360_TEST_BI_DB={given} does not exist (run the dbt test build first)"
    return path


@pytest.fixture(scope="module")
def layer(bi_file) -> SemanticLayer:
    return SemanticLayer(bi_file)


@pytest.fixture(scope="module")
def con(bi_file):
    connection = connect_bi(bi_file)
    yield connection
    connection.close()


def _number(value):
    return None if value is None else Decimal(str(value))


def _same(actual, expected, places: int = 6) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return round(_number(actual), places) == round(_number(expected), places)


def _by(rows: list[dict], key: str, metric: str) -> dict:
    return {row[key]: row[metric] for row in rows}


def test_customers_by_status_equal_dim_customers(layer, con):
    expected = dict(con.execute(
        "select customer_status, count(*) from marts.dim_customers group by customer_status").fetchall())
    rows = layer.query(["customers"], group_by=["customer__customer_status"])
    assert _by(rows, "customer__customer_status", "customers") == expected
    assert sum(expected.values()) > 0

    # month-end snapshot without a month: the latest month, never a sum over months
    latest = dict(con.execute("""
        select customer_status, count(*) from marts.fct_customer_status_monthly
        where status_month = (select max(status_month) from marts.fct_customer_status_monthly)
        group by customer_status""").fetchall())
    rows = layer.query(["customers_at_month_end"], group_by=["customer_status_month__customer_status"])
    assert _by(rows, "customer_status_month__customer_status", "customers_at_month_end") == latest

    (active,) = con.execute(
        f"select count(*) from marts.dim_customers where customer_status in {LIVE_STATUSES}").fetchone()
    assert layer.query(["active_customers"]) == [{"active_customers": active}]


def test_new_lost_reactivated_and_churn_equal_the_lifecycle_marts(layer, con):
    counts = dict(con.execute("""
        select coalesce(customer_status || ':' || churn_type, customer_status), count(*)
        from marts.fct_customer_status_transitions group by all""").fetchall())
    (row,) = layer.query(["new_customers", "lost_customers", "lost_customers_contractual",
                          "lost_customers_silent", "reactivated_customers"])
    assert row["new_customers"] == counts.get("new")
    assert row["lost_customers_contractual"] == counts.get("lost:contractual")
    assert row["lost_customers_silent"] == counts.get("lost:silent")
    assert row["lost_customers"] == (counts.get("lost:contractual") or 0) + (counts.get("lost:silent") or 0)
    assert row["reactivated_customers"] == counts.get("reactivated")

    # churn_rate = lost / buying customers, as roi_customer_experience counts them (one segmentation)
    lost, customers = con.execute("""
        select sum(lost_customer_count), sum(customer_count) from marts.roi_customer_experience
        where segment_type = 'nps_group'""").fetchone()
    (row,) = layer.query(["churn_rate"])
    assert _same(row["churn_rate"], Decimal(lost) / Decimal(customers))

    # monthly churn rate: month-end statuses, lost this month / buying and not lost the month before
    expected = {month: rate for month, rate in con.execute("""
        select status_month,
            count(*) filter (where customer_status = 'lost'
                and previous_month_status in ('new', 'active', 'at_risk', 'lapsed', 'reactivated'))
            / nullif(count(*) filter (
                where previous_month_status in ('new', 'active', 'at_risk', 'lapsed', 'reactivated')), 0)
        from marts.fct_customer_status_monthly group by status_month""").fetchall()}
    rows = layer.query(["monthly_churn_rate"], group_by=["metric_time__month"])
    actual = {row["metric_time__month"].date(): row["monthly_churn_rate"] for row in rows}
    assert actual.keys() == expected.keys()
    assert all(_same(actual[month], expected[month]) for month in expected), "monthly_churn_rate differs"


def test_revenue_and_clv_equal_fct_customer_value(layer, con):
    revenue, net_revenue, clv = con.execute("""
        select sum(lifetime_revenue_usd), sum(net_revenue_usd), sum(clv_usd)
        from marts.fct_customer_value""").fetchone()
    (row,) = layer.query(["revenue", "net_revenue", "clv"])
    assert _same(row["revenue"], revenue) and revenue > 0
    assert _same(row["net_revenue"], net_revenue)
    assert _same(row["clv"], clv)

    # by region, through the customer entity
    expected = dict(con.execute("""
        select customers.state_code, sum(value.net_revenue_usd)
        from marts.fct_customer_value as value
        inner join marts.dim_customers as customers on value.customer_id = customers.customer_id
        group by customers.state_code""").fetchall())
    rows = layer.query(["net_revenue"], group_by=["customer__state_code"])
    actual = _by(rows, "customer__state_code", "net_revenue")
    assert actual.keys() == expected.keys()
    assert all(_same(actual[state], expected[state]) for state in expected)


def test_survey_scores_are_per_program_and_equal_fct_survey_scores(layer, con):
    overall = con.execute("""
        select survey_id, metric, metric_value from marts.fct_survey_scores
        where grain = 'overall' and metric in ('nps', 'csat', 'ces') and not is_suppressed""").fetchall()
    assert any(metric == "nps" for _, metric, _ in overall), "the test build has no scored NPS program"
    rows = layer.query(["nps", "csat", "ces"], group_by=["survey_response__survey_id"])
    actual = {row["survey_response__survey_id"]: row for row in rows}
    for survey_id, metric, value in overall:
        assert _same(actual[survey_id][metric], value), f"{metric} of {survey_id}"
        other = {"nps", "csat", "ces"} - {metric}
        assert all(actual[survey_id][name] is None for name in other), f"{survey_id} scored as another metric"

    # by month: every figure the mart shows, MetricFlow shows alike; MetricFlow hides at least what
    # the mart's small-cell rule hides (the mart's complementary suppression hides a little more)
    monthly = con.execute("""
        select survey_id, grain_value, metric, metric_value, scored_count from marts.fct_survey_scores
        where grain = 'month' and metric in ('nps', 'csat', 'ces')""").fetchall()
    rows = layer.query(["nps", "csat", "ces"], group_by=["survey_response__survey_id", "metric_time__month"])
    actual = {(row["survey_response__survey_id"], row["metric_time__month"].strftime("%Y-%m")): row
              for row in rows}
    shown = 0
    for survey_id, month, metric, value, scored in monthly:
        figure = actual[(survey_id, month)][metric] if (survey_id, month) in actual else None
        if value is not None:
            assert _same(figure, value), f"{metric} of {survey_id} in {month}"
            shown += 1
        elif figure is not None:
            assert scored >= 5, f"{metric} of {survey_id} in {month}: a small cell is shown"
    assert shown > 0, "no monthly score to compare"

    # never mixed: a query over several programs of one metric gives no number
    programs = con.execute("""
        select metric, count(*) from marts.fct_survey_scores
        where grain = 'overall' and scored_count > 0 and metric in ('nps', 'csat', 'ces') group by metric
        """).fetchall()
    (row,) = layer.query(["nps", "csat", "ces"])
    for metric, count in programs:
        if count > 1:
            assert row[metric] is None, f"{metric} mixed {count} programs into one number"
        else:
            (value,) = [v for _, m, v in overall if m == metric] or [None]
            assert _same(row[metric], value)
    assert any(count > 1 for _, count in programs), "the test build has no metric with two programs"


def test_alert_handling_equals_survey_alert_owner_summary(layer, con):
    summary = {row[0]: row[1:] for row in con.execute("""
        select user_id, alert_count, closed_within_sla_count, overdue_alert_count, within_sla_percent,
            median_hours_to_close
        from marts.survey_alert_owner_summary where summary_level in ('owner', 'team')""").fetchall()}
    assert summary, "survey_alert_owner_summary is empty"
    metrics = ["survey_alerts", "alerts_closed_within_sla", "overdue_survey_alerts",
               "alerts_within_sla_percent", "alert_time_to_close_hours"]
    rows = layer.query(metrics, group_by=["survey_alert__owner_user_id"])
    per_owner = {row["survey_alert__owner_user_id"]: [row[m] for m in metrics] for row in rows}
    (team,) = layer.query(metrics)
    per_owner["all"] = [team[m] for m in metrics]
    for user_id, expected in summary.items():
        actual = per_owner[user_id]
        assert actual[:3] == list(expected[:3]), f"alert counts of {user_id}"
        assert _same(actual[3], expected[3]), f"within SLA % of {user_id}"
        assert _same(actual[4], expected[4]), f"median hours to close of {user_id}"
    assert sum(expected[1] for user, expected in summary.items() if user == "all") > 0


def test_conflicts_duplicates_and_roi_equal_the_roi_marts(layer, con):
    (pairs_all,) = con.execute("select count(*) from marts.fct_communication_conflicts").fetchone()
    pairs, communications, customers, duplicates, per_customer = con.execute("""
        select conflict_pair_count, conflicting_communication_count, conflicted_customer_count,
            duplicate_records_removed_count, source_records_per_customer
        from marts.roi_consolidation""").fetchone()
    (row,) = layer.query(["communication_conflicts", "conflicting_communications", "duplicates_removed",
                          "records_per_customer"])
    assert row["communication_conflicts"] == pairs_all and pairs_all > 0
    assert row["conflicting_communications"] == communications
    assert row["duplicates_removed"] == duplicates and duplicates > 0
    assert _same(row["records_per_customer"], per_customer, places=2)
    (row,) = layer.query(["communication_conflicts", "conflicted_customers"],
                         where=["{{ Dimension('communication_conflict__rule_id') }} != 'duplicate_offer'"])
    assert (row["communication_conflicts"], row["conflicted_customers"]) == (pairs, customers)

    expected = dict(con.execute("select report_month, roi from marts.roi_program_monthly").fetchall())
    rows = layer.query(["program_roi"], group_by=["metric_time__month"])
    actual = {row["metric_time__month"].date(): row["program_roi"] for row in rows}
    assert actual.keys() == expected.keys()
    assert all(_same(actual[month], expected[month], places=4) for month in expected)


def test_mf_query_command_line(bi_file, con, tmp_path):
    """The command a BI user runs (README) gives the same customers by status."""
    out = tmp_path / "customers_by_status.csv"
    env = dict(os.environ, CUSTOMER360_TARGET="semantic", CUSTOMER360_BI_DB_PATH=str(bi_file.resolve()),
               DBT_PROFILES_DIR=str(PROJECT_DIR))
    mf = Path(sys.executable).with_name("mf")
    result = subprocess.run(
        [str(mf), "query", "--metrics", "customers", "--group-by", "customer__customer_status",
         "--csv", str(out), "--quiet"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with out.open(newline="") as handle:
        actual = {row["customer__customer_status"]: int(row["customers"]) for row in csv.DictReader(handle)}
    expected = dict(con.execute(
        "select customer_status, count(*) from marts.dim_customers group by customer_status").fetchall())
    assert actual == expected
