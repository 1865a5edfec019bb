"""A tiny BI database with the marts and columns the web view reads (customer360.webapp.queries).

Used by test_webapp.py and, when CUSTOMER360_TEST_BI_DB is unset, by test_browser_webapp.py.
Three customers: Ann Lee (timeline, an open ticket, a consented survey answer, an overdue alert), Bo Ray
(an open alert) and a nameless prospect; plus one anonymous response and alert (no consent).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

ANN = "C00000000000000a1"
BO = "C00000000000000b2"
NONAME = "C00000000000000c3"

TABLES = {
    "customer_360": f"""
        select * from (values
            ('{ANN}', 'H1', 'Ann Lee', 'ann.lee@example.com', '+15555550101', 'DENVER', 'CO', '80202', 'US',
             'active', null, null, 'active', 'champions', '545', 'U1', 'Olivia Owner', 'olivia@corp.example',
             'account', 'phone', 'support_ticket_opened', 'support_ticket', 'Broken hinge', 'open',
             'Call back about survey', 'Olivia Owner', 2, 4, 3, 1234.50, 1200.00, 308.63, 1, 950.00, 12,
             2500.00, 0.91, 1, 0, 0, 1, 1, 6, null, null, null, null, true, true, date '2026-05-20',
             date '2026-06-01', date '2025-01-10', date '2024-02-01', date '2026-05-20',
             timestamp '2026-04-01 09:00:00', timestamp '2026-05-02 10:00:00', null, null,
             timestamp '2026-02-01 12:00:00', null, timestamp '2026-03-10 08:00:00',
             timestamp '2026-05-02 10:00:00', timestamp '2026-05-02 10:00:00',
             timestamp '2026-05-02 10:00:00', timestamp '2026-05-02 10:00:00', timestamp '2026-05-03 08:00:00'),
            ('{BO}', null, 'Bo Ray', 'bo.ray@example.com', null, 'BOSTON', 'MA', '02108', 'US',
             'at_risk', null, null, 'at_risk', 'at_risk', '222', 'U2', 'Peter Owner', 'peter@corp.example',
             'contact', 'email', 'email_opened', null, null, null,
             null, null, 1, 1, 1, 80.00, 80.00, 80.00, 0, 0.00, 200,
             40.00, 0.35, 0, 0, 0, 0, 0, 9, null, null, null, null, true, true, null,
             date '2026-06-01', date '2026-03-01', date '2025-05-05', date '2025-11-08',
             timestamp '2026-01-05 09:00:00', null, null, null, null, null, null, null,
             timestamp '2026-01-05 09:00:00', null, null, timestamp '2026-04-20 08:00:00'),
            ('{NONAME}', null, null, null, null, null, null, null, null,
             'prospect', null, null, 'lead', null, null, null, null, null,
             null, null, null, null, null, null,
             null, null, 1, null, null, null, null, null, null, null, null,
             null, null, 0, 0, 0, 0, 0, null, null, null, null, null, false, false, null,
             date '2026-06-01', date '2026-04-04', null, null,
             null, null, null, null, null, null, null, null, null, null, null, null)
        ) as t(customer_id, household_id, full_name, email, phone, city, state_code, postal_code, country_code,
               customer_status, churn_type, churn_reason, lifecycle_stage, rfm_segment, rfm_score,
               owner_user_id, owner_name, owner_email, owner_source, last_contact_channel,
               last_contact_event_type, latest_service_activity_type, latest_service_topic,
               latest_service_resolution_status, next_follow_up_subject, next_follow_up_owner_name,
               household_customer_count, purchase_count, order_count, lifetime_revenue_usd,
               net_revenue_usd, average_purchase_usd, contracts_in_force_count,
               annual_premium_in_force_usd, days_since_last_purchase, clv_usd, probability_alive,
               open_ticket_count, open_complaint_count, recent_complaint_count, open_follow_up_count,
               overdue_follow_up_count, last_nps_score, last_csat_score, last_ces_score,
               recent_average_nps_score, recent_average_csat_score, is_owner_active, is_customer,
               next_follow_up_due_date, status_as_of_date, status_since_date, customer_since_date,
               last_purchase_date, last_email_contact_at, last_phone_contact_at, last_sms_contact_at,
               last_chat_contact_at, last_mail_contact_at, last_in_person_contact_at, last_web_contact_at,
               last_inbound_contact_at, last_contact_at, oldest_open_ticket_opened_at,
               latest_service_opened_at, last_survey_response_at)
    """,
    "customer_record_explanations": f"""
        select * from (values
            ('x1', '{ANN}', 'crm:contacts:1', 'crm', 'contacts', 'web:registrations:7', 'web', 'registrations',
             'deterministic', 'same_email_same_first_name', 'identifier',
             'Same email key (match key without plus tag) and the same canonical first name.', null, null,
             'same_email_same_first_name', null, null, 1, 3, true),
            ('x2', '{ANN}', 'web:registrations:7', 'web', 'registrations', 'crm:contacts:1', 'crm', 'contacts',
             'deterministic', 'same_email_same_first_name', 'identifier',
             'Same email key (match key without plus tag) and the same canonical first name.', null, null,
             'same_email_same_first_name', null, null, 1, 3, true),
            ('x3', '{ANN}', 'web:registrations:7', 'web', 'registrations', 'pos:loyalty_members:9', 'pos',
             'loyalty_members', 'probabilistic', 'probabilistic_match', 'comparison_levels',
             'first_name: same canonical first name (8.66); last_name: same last name (9.83)', null, null,
             'same_email_same_first_name', 12.5, 0.9998, 2, 3, false),
            ('x4', '{ANN}', 'pos:loyalty_members:9', 'pos', 'loyalty_members', 'web:registrations:7', 'web',
             'registrations', 'probabilistic', 'probabilistic_match', 'comparison_levels',
             'first_name: same canonical first name (8.66); last_name: same last name (9.83)', null, 'SC-0001',
             'probabilistic_match, steward_must_not_link', 12.5, 0.9998, 1, 3, true),
            ('x5', '{BO}', 'crm:contacts:2', 'crm', 'contacts', null, null, null, 'singleton', 'singleton', null,
             'the customer has this record only', null, null, 'singleton', null, null, 1, 1, true)
        ) as t(explanation_id, customer_id, record_key, source_system, source_table, other_record_key,
               other_source_system, other_source_table, link_method, link_rule, link_evidence,
               link_explanation, steward_correction_id, record_steward_correction_ids,
               record_resolution_rules, match_weight, match_probability, explanation_rank,
               customer_record_count, is_primary_explanation)
    """,
    "fct_customer_events": f"""
        select * from (values
            ('e1', '{ANN}', 'order_placed', 'order', 'inbound', 'web', 'orders', 'O-1', 308.63,
             timestamp '2025-01-10 10:00:00'),
            ('e2', '{ANN}', 'email_opened', 'marketing', 'inbound', 'email', 'marketing', 'retention', null,
             timestamp '2026-04-01 09:00:00'),
            ('e3', '{ANN}', 'support_ticket_opened', 'service', 'inbound', 'phone', 'support', 'Broken hinge',
             null, timestamp '2026-05-02 10:00:00'),
            ('e4', '{BO}', 'email_opened', 'marketing', 'inbound', 'email', 'marketing', 'win_back', null,
             timestamp '2026-01-05 09:00:00')
        ) as t(event_key, customer_id, event_type, event_category, direction, channel, source_system,
               event_detail, amount_usd, occurred_at)
    """,
    "fct_customer_activity_feed": f"""
        select * from (values
            ('support:tickets:1', '{ANN}', 'support_ticket', 'phone', 'Broken hinge', 'product', 'high',
             'customer_care', 'open', 'open', 'Waiting for parts', null, null, 1, true, false,
             timestamp '2026-05-02 10:00:00', null),
            ('contact_center:interactions:2', '{ANN}', 'call', 'call', 'billing', 'billing', null,
             'billing_queue', 'resolved', 'resolved', 'Explained the invoice', null, null, 2, false, false,
             timestamp '2026-03-10 08:00:00', timestamp '2026-03-10 08:10:00')
        ) as t(activity_key, customer_id, activity_type, channel, topic, reason, priority, handled_by,
               outcome, resolution_status, resolution_note, satisfaction_metric, satisfaction_score,
               activity_rank, is_open, is_complaint, opened_at, resolved_at)
    """,
    "fct_survey_responses": f"""
        select * from (values
            ('R1', '{ANN}', 'Delivery NPS', 'delivery', 'nps', 3, 'detractor', 'Late and broken', -0.7,
             true, 'low_score', true, date '2026-05-03'),
            ('R2', null, 'Delivery NPS', 'delivery', 'nps', 10, 'promoter', 'Great', 0.6,
             false, null, false, date '2026-05-04'),
            ('R3', '{BO}', 'Support CSAT', 'support', 'csat', 2, null, null, null,
             true, 'low_score', true, date '2026-04-20')
        ) as t(survey_response_id, customer_id, survey_name, touchpoint, metric, score, nps_group,
               comment_text, sentiment_score, is_alert, alert_reasons, has_consent_to_be_named,
               recorded_date)
    """,
    "fct_survey_alerts": f"""
        select * from (values
            ('R1', '{ANN}', 'U1', 'Olivia Owner', 'S1', 'Sam Supervisor', 'Ann Lee', 'Delivery NPS', 3,
             'low_score', 'Late and broken', 'overdue', false, null, null, null, false, false, true, false,
             date '2026-05-03', date '2026-05-05'),
            ('R3', '{BO}', 'U2', 'Peter Owner', 'S1', 'Sam Supervisor', 'Bo Ray', 'Support CSAT', 2,
             'low_score', null, 'open', true, timestamp '2026-04-21 09:00:00', null, null, false, false,
             true, false, date '2026-04-20', date '2099-01-01'),
            ('R9', null, null, null, null, null, null, 'Support CSAT', 1,
             'low_score', null, 'anonymous', false, null, null, null, false, false, false, false,
             date '2026-04-22', null)
        ) as t(survey_response_id, customer_id, owner_user_id, owner_name, supervisor_user_id,
               supervisor_name, customer_name, survey_name, score, alert_reasons, comment_text,
               alert_status, has_follow_up, follow_up_created_at, first_contact_at, closed_at,
               is_recovered, is_closed_within_sla, is_named, is_overdue_unused, recorded_date, due_date)
    """,
    "fct_survey_scores": """
        select * from (values
            ('Delivery NPS', 'transactional', 'delivery', 'nps', 'overall', 2, 2, 1, -0.0),
            ('Support CSAT', 'transactional', 'support', 'csat', 'overall', 1, 1, 1, 0.0)
        ) as t(survey_name, survey_type, touchpoint, metric, grain, response_count, scored_count,
               alert_count, metric_value)
    """,
    "survey_alert_owner_summary": """
        select * from (values
            ('team', 'all', 3, 2, 1, 1, 0, 0, 0.0, null, null, 0),
            ('owner', 'Olivia Owner', 1, 1, 0, 1, 0, 0, 0.0, null, null, 0)
        ) as t(summary_level, user_name, alert_count, named_alert_count, open_alert_count,
               overdue_alert_count, closed_alert_count, closed_within_sla_count, within_sla_percent,
               median_hours_to_first_contact, median_hours_to_close, recovered_alert_count)
    """,
    "roi_consolidation": """
        select
            date '2026-06-01' as as_of_date, 8137 as source_record_count, 733 as customer_count,
            7404 as duplicate_records_removed_count, 11.1 as source_records_per_customer,
            2227 as marketing_send_count, 36 as duplicate_mailing_count,
            cast(12.86 as decimal(18, 2)) as duplicate_mailing_cost_usd, 35 as conflict_pair_count,
            4321 as conflicting_communication_count, 30 as conflicted_customer_count,
            cast(5250 as decimal(18, 2)) as conflict_cost_usd, 273 as suppressed_customer_count,
            158 as repeat_contact_count, cast(1027 as decimal(18, 2)) as repeat_contact_cost_usd
    """,
    "roi_program_monthly": """
        select
            cast(report_month as date) as report_month, 1 as duplicate_mailing_count,
            2 as conflicting_communication_count, 0 as recovered_detractor_count, 3 as repeat_contact_count,
            cast(100 as decimal(18, 2)) as duplicate_mailing_savings_usd,
            cast(300 as decimal(18, 2)) as conflict_savings_usd,
            cast(50 as decimal(18, 2)) as recovered_detractor_value_usd,
            cast(450 as decimal(18, 2)) as total_benefit_usd, cast(400 as decimal(18, 2)) as program_cost_usd,
            cast(50 as decimal(18, 2)) as net_benefit_usd, 0.125 as roi
        from (values ('2026-04-01'), ('2026-05-01'), ('2026-06-01')) as t(report_month)
    """,
    "roi_customer_experience": """
        select * from (values
            ('nps_group', 'promoter', 10, 0.9, 0.1, 500.0, 800.0, null),
            ('nps_group', 'detractor', 5, 0.6, 0.4, 300.0, 400.0, null),
            ('detractor_recovery', 'recovered', 2, 1.0, 0.0, 200.0, 300.0, 46.14)
        ) as t(segment_type, segment, customer_count, retention_rate, churn_rate, avg_net_revenue_usd,
               avg_clv_usd, attributed_value_usd)
    """,
    "fct_communication_conflicts": f"""
        select * from (values
            ('offer_vs_open_complaint', 'customer', 'm1', '{ANN}', date '2026-05-03'),
            ('offer_vs_open_complaint', 'customer', 'm2', '{ANN}', date '2026-05-10'),
            ('win_back_vs_active_customer', 'household', 'm3', '{BO}', date '2026-04-02')
        ) as t(rule_id, scope, communication_key, customer_id, communication_date)
    """,
    "repeat_contact_summary": """
        select * from (values
            ('delivery', 'customer_care', 20, 5), ('billing', 'billing', 10, 1)
        ) as t(issue_reason, department, contact_count, repeat_contact_count)
    """,
}


def build_fixture_bi(path: str | Path, skip: tuple[str, ...] = (), tables: dict | None = None) -> Path:
    """Write the fixture BI file at ``path`` (schema marts), leaving out the tables in ``skip``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        for name, select in (tables or TABLES).items():
            if name not in skip:
                con.execute(f"create or replace table marts.{name} as {select}")
    return path


#: Source text that would be a link, an image, HTML, emphasis, a Streamlit colour directive and math if
#: it were read as Markdown; every host is under .invalid, which never resolves.
MARKUP = ('![px](http://pixel.invalid/p.png) [click](http://link.invalid/x) '
          '<img src="http://html.invalid/q.png"> **bold** :red[red] $x^2$ <http://auto.invalid>')
MARKUP_HOSTS = ("pixel.invalid", "link.invalid", "html.invalid", "auto.invalid")


def build_markup_fixture_bi(path: str | Path) -> Path:
    """The fixture BI file with ``MARKUP`` in every source text of Bo Ray (customer BO): name, city,
    CRM owner and follow-up, the latest service topic, an event detail, the source id in his record key,
    an open ticket, a survey comment and his alert's owner and comment."""
    path = build_fixture_bi(path)
    name = f"Bo {MARKUP} Ray"
    with duckdb.connect(str(path)) as con:
        con.execute("""update marts.customer_360 set full_name = $name, city = $markup, owner_name = $markup,
            next_follow_up_subject = $markup, next_follow_up_owner_name = $markup,
            latest_service_topic = $markup where customer_id = $bo""", {"name": name, "markup": MARKUP, "bo": BO})
        con.execute("update marts.fct_customer_events set event_detail = $markup where customer_id = $bo",
                    {"markup": MARKUP, "bo": BO})
        con.execute("""update marts.customer_record_explanations set record_key = 'crm:contacts:' || $markup
            where customer_id = $bo""", {"markup": MARKUP, "bo": BO})
        con.execute("""insert into marts.fct_customer_activity_feed by name
            select 'support:tickets:9' as activity_key, $bo as customer_id, 'support_ticket' as activity_type,
                'email' as channel, $markup as topic, $markup as reason, 'low' as priority,
                'customer_care' as handled_by, 'open' as outcome, 'open' as resolution_status,
                $markup as resolution_note, 1 as activity_rank, true as is_open, false as is_complaint,
                timestamp '2026-04-25 10:00:00' as opened_at""", {"markup": MARKUP, "bo": BO})
        con.execute("update marts.fct_survey_responses set comment_text = $markup where customer_id = $bo",
                    {"markup": MARKUP, "bo": BO})
        con.execute("""update marts.fct_survey_alerts set comment_text = $markup, owner_name = $markup,
            customer_name = $name where customer_id = $bo""", {"markup": MARKUP, "name": name, "bo": BO})
    return path
