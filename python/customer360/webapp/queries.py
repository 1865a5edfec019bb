"""Every SQL statement of the web view, one plain function per question.

Each function takes a DuckDB connection to the BI file (``customer360.privacy.reader.connect_bi``) and
returns a pandas DataFrame (or a dict for one-row headlines). Table and column names of the published
marts live here only, so a renamed mart column is fixed in this file. A function whose mart is not in
the file raises ``TableNotBuilt``; one whose mart lacks a column it reads raises ``MartChanged`` —
both carry the table, and the app shows them as a message instead of failing.

Money comes back as double (charts and metrics need floats), dates as ``datetime.date``, timestamps as
naive UTC.
"""

from __future__ import annotations

import duckdb
import pandas as pd

SCHEMA = "marts"

# The published marts the app reads (models/marts/**).
CUSTOMER_360 = "customer_360"
RECORD_EXPLANATIONS = "customer_record_explanations"
CUSTOMER_EVENTS = "fct_customer_events"
ACTIVITY_FEED = "fct_customer_activity_feed"
SURVEY_RESPONSES = "fct_survey_responses"
SURVEY_ALERTS = "fct_survey_alerts"
SURVEY_SCORES = "fct_survey_scores"
ALERT_OWNER_SUMMARY = "survey_alert_owner_summary"
ROI_CONSOLIDATION = "roi_consolidation"
ROI_PROGRAM_MONTHLY = "roi_program_monthly"
ROI_CUSTOMER_EXPERIENCE = "roi_customer_experience"
COMMUNICATION_CONFLICTS = "fct_communication_conflicts"
REPEAT_CONTACT_SUMMARY = "repeat_contact_summary"

APP_TABLES = (
    CUSTOMER_360, RECORD_EXPLANATIONS, CUSTOMER_EVENTS, ACTIVITY_FEED, SURVEY_RESPONSES, SURVEY_ALERTS, SURVEY_SCORES,
    ALERT_OWNER_SUMMARY, ROI_CONSOLIDATION, ROI_PROGRAM_MONTHLY, ROI_CUSTOMER_EXPERIENCE,
    COMMUNICATION_CONFLICTS, REPEAT_CONTACT_SUMMARY,
)

# Channels of customer_360.last_<channel>_contact_at, in display order.
CONTACT_CHANNELS = ("email", "phone", "sms", "chat", "mail", "in_person", "web")


class MartUnavailable(Exception):
    """A mart the app needs cannot be read; ``table`` names it."""

    def __init__(self, table: str, message: str):
        super().__init__(message)
        self.table = table


class TableNotBuilt(MartUnavailable):
    def __init__(self, table: str):
        super().__init__(table, f"not built yet: {SCHEMA}.{table}")


class MartChanged(MartUnavailable):
    def __init__(self, table: str, error: Exception):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        super().__init__(table, f"{SCHEMA}.{table} does not have the columns the app reads ({first_line})")


def published_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views in the BI file's marts schema."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
    ).fetchall()
    return {row[0] for row in rows}


def missing_tables(con: duckdb.DuckDBPyConnection, tables=APP_TABLES) -> list[str]:
    """The app's marts that are not in the BI file (yet)."""
    present = published_tables(con)
    return [table for table in tables if table not in present]


def _frame(con, table: str, sql: str, params=None) -> pd.DataFrame:
    """Run ``sql`` (``{t}`` is replaced by the qualified table) after checking the table exists."""
    if table not in published_tables(con):
        raise TableNotBuilt(table)
    try:
        result = con.execute(sql.format(t=f"{SCHEMA}.{table}"), params or [])
    except (duckdb.BinderException, duckdb.CatalogException) as error:
        raise MartChanged(table, error) from error
    date_columns = [name for name, type_code, *_ in result.description if str(type_code) == "DATE"]
    frame = result.df()
    for name in date_columns:  # pandas turns DATE into midnight timestamps; keep them dates
        frame[name] = frame[name].dt.date
    return frame


def _one_row(con, table: str, sql: str, params=None) -> dict | None:
    frame = _frame(con, table, sql, params)
    return None if frame.empty else frame.iloc[0].to_dict()


# -- Find a customer ------------------------------------------------------------------------------

LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape '\\'``: the wildcards ``%`` and ``_`` and the escape
    character itself stand for themselves."""
    return "".join(LIKE_ESCAPE + char if char in "%_" + LIKE_ESCAPE else char for char in text)

def search_customers(con, text: str, limit: int = 50) -> pd.DataFrame:
    """Customers whose id equals, or whose name or email contains, ``text`` (case-insensitive).

    An exact id match comes first, then exact email, then by name. The text is matched as typed:
    ``%``, ``_`` and ``\\`` are characters to find, not LIKE wildcards (``like_escape``).
    """
    text = (text or "").strip()
    if not text:
        return pd.DataFrame(columns=["customer_id", "full_name", "email", "phone", "city", "state_code",
                                     "customer_status", "owner_name"])
    pattern = f"%{like_escape(text.lower())}%"
    return _frame(con, CUSTOMER_360, """
        select
            customer_id, full_name, email, phone, city, state_code, customer_status, owner_name
        from {t}
        where upper(customer_id) = upper(?)
            or lower(full_name) like ? escape '\\'
            or lower(email) like ? escape '\\'
        order by
            upper(customer_id) = upper(?) desc,
            lower(email) = lower(?) desc,
            full_name nulls last,
            customer_id
        limit ?
    """, [text, pattern, pattern, text, text, limit])


def customer_profile(con, customer_id: str) -> dict | None:
    """The customer's row of customer_360 (every column), or None."""
    return _one_row(con, CUSTOMER_360, """
        select
            * replace (
                cast(lifetime_revenue_usd as double) as lifetime_revenue_usd,
                cast(net_revenue_usd as double) as net_revenue_usd,
                cast(average_purchase_usd as double) as average_purchase_usd,
                cast(annual_premium_in_force_usd as double) as annual_premium_in_force_usd,
                cast(clv_usd as double) as clv_usd
            )
        from {t}
        where customer_id = ?
    """, [customer_id])


def last_contacts(profile: dict) -> pd.DataFrame:
    """When we last spoke with the customer on each channel (from the customer_360 row), newest first."""
    rows = [
        {"channel": channel.replace("_", " "), "last_contact_at": profile.get(f"last_{channel}_contact_at")}
        for channel in CONTACT_CHANNELS
    ]
    frame = pd.DataFrame(rows)
    frame = frame[frame["last_contact_at"].notna()]
    return frame.sort_values("last_contact_at", ascending=False).reset_index(drop=True)


def customer_timeline(con, customer_id: str, limit: int = 500) -> pd.DataFrame:
    """The customer's events (fct_customer_events), newest first."""
    return _frame(con, CUSTOMER_EVENTS, """
        select
            occurred_at, event_type, event_category, direction, channel, source_system,
            event_detail, cast(amount_usd as double) as amount_usd, event_key
        from {t}
        where customer_id = ?
        order by occurred_at desc nulls last, event_key
        limit ?
    """, [customer_id, limit])


def customer_event_count(con, customer_id: str) -> int:
    frame = _frame(con, CUSTOMER_EVENTS, "select count(*) as n from {t} where customer_id = ?", [customer_id])
    return int(frame["n"].iloc[0])


def customer_open_items(con, customer_id: str) -> pd.DataFrame:
    """Open tickets, complaints, callbacks and follow-ups (fct_customer_activity_feed), newest first."""
    return _frame(con, ACTIVITY_FEED, """
        select
            opened_at, activity_type, topic, reason, priority, handled_by, outcome,
            resolution_note, is_complaint, activity_key
        from {t}
        where customer_id = ? and is_open
        order by opened_at desc nulls last, activity_key
    """, [customer_id])


def customer_recent_activity(con, customer_id: str, limit: int = 10) -> pd.DataFrame:
    """The customer's latest service contacts and follow-ups and how they ended."""
    return _frame(con, ACTIVITY_FEED, """
        select
            opened_at, activity_type, channel, topic, resolution_status, outcome,
            resolution_note, satisfaction_metric, satisfaction_score, resolved_at
        from {t}
        where customer_id = ?
        order by activity_rank
        limit ?
    """, [customer_id, limit])


def customer_survey_responses(con, customer_id: str) -> pd.DataFrame:
    """The customer's survey responses as the survey mart names them: consented responses only."""
    return _frame(con, SURVEY_RESPONSES, """
        select
            recorded_date, survey_name, touchpoint, metric, score, nps_group, comment_text,
            sentiment_score, is_alert, alert_reasons, survey_response_id
        from {t}
        where customer_id = ? and has_consent_to_be_named
        order by recorded_date desc, survey_response_id
    """, [customer_id])


def customer_alerts(con, customer_id: str) -> pd.DataFrame:
    """The customer's named survey alerts, overdue and open first, with due date and follow-up status."""
    return _frame(con, SURVEY_ALERTS, """
        select
            alert_status, due_date, survey_name, score, alert_reasons, owner_name, supervisor_name,
            has_follow_up, follow_up_created_at, first_contact_at, closed_at, is_recovered,
            recorded_date, comment_text, survey_response_id
        from {t}
        where customer_id = ? and is_named
        order by
            case alert_status when 'overdue' then 0 when 'open' then 1 else 2 end,
            due_date, survey_response_id
    """, [customer_id])


def customer_record_explanations(con, customer_id: str) -> pd.DataFrame:
    """Why each source record is in the customer (customer_record_explanations): one row per record, its
    first explanation — a steward's correction, else a deterministic rule, else the strongest model
    link — with the other record of the pair and how many links tie the record in all."""
    return _frame(con, RECORD_EXPLANATIONS, """
        select
            record_key,
            source_system || '.' || source_table as source,
            link_rule as joined_by,
            round(match_weight, 2) as match_weight,
            other_record_key,
            link_explanation,
            record_steward_correction_ids as steward_corrections,
            count(*) over (partition by record_key) as link_count
        from {t}
        where customer_id = ?
        qualify is_primary_explanation
        order by source, record_key
    """, [customer_id])


def record_links(con, customer_id: str, record_key: str) -> pd.DataFrame:
    """Every link that ties one record to other records of its customer, steward first, then rules, then
    the model's links by weight (customer_record_explanations)."""
    return _frame(con, RECORD_EXPLANATIONS, """
        select
            other_record_key,
            other_source_system || '.' || other_source_table as other_source,
            link_method,
            link_rule,
            round(match_weight, 2) as match_weight,
            round(match_probability, 4) as match_probability,
            link_explanation,
            steward_correction_id
        from {t}
        where customer_id = ? and record_key = ?
        order by explanation_rank
    """, [customer_id, record_key])


# -- Team view ------------------------------------------------------------------------------------

def alert_totals(con) -> dict:
    """Alert counts for the whole team (fct_survey_alerts): named, anonymous, open, overdue, closed."""
    row = _one_row(con, SURVEY_ALERTS, """
        select
            count(*) as alert_count,
            count(*) filter (where is_named) as named_alert_count,
            count(*) filter (where not is_named) as anonymous_alert_count,
            count(*) filter (where alert_status = 'open') as open_alert_count,
            count(*) filter (where alert_status = 'overdue') as overdue_alert_count,
            count(*) filter (where alert_status = 'closed') as closed_alert_count,
            count(*) filter (where is_named and is_closed_within_sla) as closed_within_sla_count
        from {t}
    """)
    return {key: int(value or 0) for key, value in (row or {}).items()}


def overdue_alerts_by_owner(con) -> pd.DataFrame:
    """Named alerts per owner and supervisor: overdue, open and closed counts, most overdue first."""
    return _frame(con, SURVEY_ALERTS, """
        select
            coalesce(supervisor_name, 'no supervisor') as supervisor_name,
            coalesce(owner_name, 'unassigned') as owner_name,
            count(*) filter (where alert_status = 'overdue') as overdue_alert_count,
            count(*) filter (where alert_status = 'open') as open_alert_count,
            count(*) filter (where alert_status = 'closed') as closed_alert_count,
            min(due_date) filter (where alert_status = 'overdue') as oldest_overdue_due_date
        from {t}
        where is_named
        group by all
        order by overdue_alert_count desc, open_alert_count desc, owner_name, supervisor_name
    """)


def overdue_alerts_by_supervisor(con) -> pd.DataFrame:
    """Named overdue and open alerts per supervisor (the owners' manager)."""
    return _frame(con, SURVEY_ALERTS, """
        select
            coalesce(supervisor_name, 'no supervisor') as supervisor_name,
            count(distinct owner_user_id) as owner_count,
            count(*) filter (where alert_status = 'overdue') as overdue_alert_count,
            count(*) filter (where alert_status = 'open') as open_alert_count
        from {t}
        where is_named
        group by all
        order by overdue_alert_count desc, supervisor_name
    """)


def overdue_alerts(con, owner_name: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Named overdue alerts, oldest due date first; only one owner's when ``owner_name`` is given."""
    owner_filter = "" if owner_name is None else "and coalesce(owner_name, 'unassigned') = ?"
    params = ([] if owner_name is None else [owner_name]) + [limit]
    return _frame(con, SURVEY_ALERTS, """
        select
            due_date, owner_name, supervisor_name, customer_name, customer_id, survey_name, score,
            alert_reasons, has_follow_up, follow_up_created_at, recorded_date, survey_response_id
        from {t}
        where alert_status = 'overdue' and is_named
    """ + owner_filter + """
        order by due_date, survey_response_id
        limit ?
    """, params)


def alert_handling_summary(con) -> pd.DataFrame:
    """survey_alert_owner_summary: handling per owner, supervisor and the team row."""
    return _frame(con, ALERT_OWNER_SUMMARY, """
        select
            summary_level, user_name, alert_count, named_alert_count, open_alert_count,
            overdue_alert_count, closed_alert_count, closed_within_sla_count, within_sla_percent,
            median_hours_to_first_contact, median_hours_to_close, recovered_alert_count
        from {t}
        order by
            case summary_level when 'team' then 0 when 'supervisor' then 1 else 2 end,
            overdue_alert_count desc, user_name
    """)


# -- Programme ------------------------------------------------------------------------------------

def roi_headline(con) -> dict | None:
    """The one-row consolidation figures (roi_consolidation): every column, money as double."""
    row = _one_row(con, ROI_CONSOLIDATION, "select * from {t}")
    if row is None:
        return None
    return {key: (float(value) if key.endswith("_usd") and value is not None else value)
            for key, value in row.items()}


def roi_monthly(con) -> pd.DataFrame:
    """Programme benefit, cost and ROI per month (roi_program_monthly), oldest first."""
    return _frame(con, ROI_PROGRAM_MONTHLY, """
        select
            report_month,
            duplicate_mailing_count,
            conflicting_communication_count,
            recovered_detractor_count,
            repeat_contact_count,
            cast(duplicate_mailing_savings_usd as double) as duplicate_mailing_savings_usd,
            cast(conflict_savings_usd as double) as conflict_savings_usd,
            cast(recovered_detractor_value_usd as double) as recovered_detractor_value_usd,
            cast(total_benefit_usd as double) as total_benefit_usd,
            cast(program_cost_usd as double) as program_cost_usd,
            cast(net_benefit_usd as double) as net_benefit_usd,
            roi
        from {t}
        order by report_month
    """)


def conflicts_by_rule(con) -> pd.DataFrame:
    """Communication conflicts per rule and scope (fct_communication_conflicts)."""
    return _frame(con, COMMUNICATION_CONFLICTS, """
        select
            rule_id,
            scope,
            count(*) as conflict_pair_count,
            count(distinct communication_key) as conflicting_communication_count,
            count(distinct customer_id) as customer_count
        from {t}
        group by all
        order by conflict_pair_count desc, rule_id, scope
    """)


def conflicts_monthly(con) -> pd.DataFrame:
    """Conflicting communications per month of the communication and rule."""
    return _frame(con, COMMUNICATION_CONFLICTS, """
        select
            cast(date_trunc('month', communication_date) as date) as communication_month,
            rule_id,
            count(distinct communication_key) as conflicting_communication_count
        from {t}
        group by all
        order by communication_month, rule_id
    """)


def customer_experience(con) -> pd.DataFrame:
    """Retention, churn and value per customer-experience segment (roi_customer_experience)."""
    return _frame(con, ROI_CUSTOMER_EXPERIENCE, """
        select
            segment_type, segment, customer_count, retention_rate, churn_rate,
            cast(avg_net_revenue_usd as double) as avg_net_revenue_usd,
            cast(avg_clv_usd as double) as avg_clv_usd,
            cast(attributed_value_usd as double) as attributed_value_usd
        from {t}
        order by segment_type, segment
    """)


def repeat_contacts_by_department(con) -> pd.DataFrame:
    """Service contacts and repeats per department (repeat_contact_summary)."""
    return _frame(con, REPEAT_CONTACT_SUMMARY, """
        select
            department,
            sum(contact_count) as contact_count,
            sum(repeat_contact_count) as repeat_contact_count,
            round(sum(repeat_contact_count) / nullif(sum(contact_count), 0), 4) as repeat_contact_share
        from {t}
        group by all
        order by repeat_contact_count desc, department
    """)


def survey_scores_overall(con) -> pd.DataFrame:
    """Each survey programme's own metric over all responses (fct_survey_scores, grain overall)."""
    return _frame(con, SURVEY_SCORES, """
        select
            survey_name, survey_type, touchpoint, metric, response_count, scored_count,
            alert_count, metric_value
        from {t}
        where grain = 'overall'
        order by survey_type, survey_name
    """)
