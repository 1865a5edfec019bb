"""The account managers' web view (Streamlit): find a customer, the team's survey alerts, the programme.

    streamlit run python/customer360/webapp/app.py -- --bi data/customer360_bi.duckdb

The BI file is, in order: ``--bi`` after ``--``, env ``CUSTOMER360_BI_DB_PATH``, else
``data/customer360_bi.duckdb``. It is opened only through ``connect_bi`` (read-only, no external access)
once per page view and closed after it; a build swaps a new file in without waiting for the app, and the
next page view reads it. All SQL is in
``customer360.webapp.queries``; a mart that is not published yet shows "not built yet: <table>".

Source text is text. Streamlit renders headings, captions, ``st.write``/``st.markdown``, alerts, metric
values and tooltips as Markdown (GitHub-flavoured: a bare URL or email becomes a link even when escaped),
so a CRM subject ``![px](http://host/p.png)`` would make the reader's browser fetch an outside image.
So free text read from the BI file (names, emails, phones, cities, owners, subjects) is shown only by
elements that do not parse it: ``st.text``, the customer's name as an escaped HTML heading
(``plain_heading``), tables (``st.dataframe``), charts and choice lists. Values of our own vocabularies
(status, stage, segment, event type, channel) and ids may go into Markdown strings, through ``md_text``,
which shows them as the characters typed. The pages have no icons: a ``:material/...:`` page icon makes
Streamlit load the favicon from an outside host (fonts.gstatic.com).
"""

from __future__ import annotations

import argparse
import html
import math
import os
import re
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from customer360.privacy.reader import connect_bi
from customer360.webapp import queries as q

BI_PATH_ENV = "CUSTOMER360_BI_DB_PATH"
DEFAULT_BI_PATH = "data/customer360_bi.duckdb"


def resolve_bi_path(argv: list[str] | None = None, environ: dict | None = None) -> Path:
    """``--bi`` (script arguments after ``--``), else env CUSTOMER360_BI_DB_PATH, else the demo file."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bi")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    environ = os.environ if environ is None else environ
    return Path(args.bi or environ.get(BI_PATH_ENV) or DEFAULT_BI_PATH)


# -- formatting -----------------------------------------------------------------------------------

def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def show_table(frame, empty_message: str, empty=None) -> None:
    """A table, or a message (``st.info`` unless ``empty`` says otherwise) when it has no rows."""
    import streamlit as st

    if frame.empty:
        (empty or st.info)(empty_message)
    else:
        st.dataframe(frame, hide_index=True)


def fmt_usd(value) -> str:
    return "—" if _missing(value) else f"${float(value):,.0f}"


def fmt_count(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def fmt_date(value) -> str:
    if _missing(value):
        return "—"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def fmt_percent(value, scale: float = 1.0) -> str:
    if _missing(value) or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * scale:.1f}%"


def fmt_text(value, empty: str = "—") -> str:
    return empty if _missing(value) or value == "" else str(value)


# Every ASCII punctuation character: CommonMark lets each be backslash-escaped, which makes it literal.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value) -> str:
    """``value`` for a Streamlit string that is rendered as Markdown, shown as the characters typed: every
    ASCII punctuation character is backslash-escaped, so no link, image, HTML, emphasis, heading, math or
    ``:colour[...]`` directive can come out of it, and line breaks become spaces (one value, one line).
    For ids and our own vocabularies only: GitHub-flavoured Markdown still turns a bare URL or email
    address into a link, so free text goes to ``st.text`` or ``plain_heading`` instead."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(value))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def plain_heading(text) -> str:
    """An ``st.html`` heading showing ``text`` as typed (HTML-escaped; no Markdown is parsed)."""
    return f"<h2>{html.escape(str(text))}</h2>"


# -- the UI: one function per page ------------------------------------------------------------------

@contextmanager
def section(title: str | None = None):
    """A block of the page; a mart that is missing or changed shows a message instead."""
    import streamlit as st

    if title:
        st.subheader(title)
    try:
        yield
    except q.TableNotBuilt as error:
        st.info(md_text(error))
    except q.MartUnavailable as error:
        st.warning(md_text(error))


def page_find_customer(con: duckdb.DuckDBPyConnection) -> None:
    """Find a customer by name, email or id (``?customer=`` fills the box) and show their profile."""
    import streamlit as st

    st.title("Find a customer")
    if "customer_search" not in st.session_state and st.query_params.get("customer"):
        st.session_state["customer_search"] = st.query_params.get("customer")
    text = st.text_input(
        "Name, email or customer id", key="customer_search",
        placeholder="e.g. Garcia, ann.lee@example.com or C0123456789abcdef",
    )
    if not text.strip():
        st.caption("Type part of a name or an email address, or a whole customer id, and press Enter.")
        return
    with section():
        matches = q.search_customers(con, text)
        if matches.empty:
            st.warning("No customer matches this name, email or id.")
            return
        if len(matches) > 1:
            labels = {
                row.customer_id: " · ".join(
                    part for part in (fmt_text(row.full_name, "(no name)"), fmt_text(row.email, ""),
                                      fmt_text(row.city, ""), row.customer_id) if part
                )
                for row in matches.itertuples()
            }
            more = " (first 50)" if len(matches) >= 50 else ""
            customer_id = st.selectbox(
                f"{len(matches)} customers match{more}", list(labels), format_func=labels.get,
            )
        else:
            customer_id = matches["customer_id"].iloc[0]
        show_customer(con, customer_id)


def show_customer(con: duckdb.DuckDBPyConnection, customer_id: str) -> None:
    """One customer: profile figures, owner, last contacts, open items, why its records are one customer,
    service, timeline, surveys, alerts."""
    import streamlit as st

    profile = q.customer_profile(con, customer_id)
    if profile is None:
        st.warning(f"Customer {md_text(customer_id)} is not in customer_360.")
        return
    st.html(plain_heading(fmt_text(profile.get("full_name"), customer_id)))
    location = ", ".join(
        p for p in (fmt_text(profile.get("city"), ""), fmt_text(profile.get("state_code"), "")) if p
    )
    st.text(" · ".join(p for p in (
        customer_id, fmt_text(profile.get("email"), ""), fmt_text(profile.get("phone"), ""), location,
    ) if p))

    row1 = st.columns(4)
    row1[0].metric("Status", md_text(fmt_text(profile.get("customer_status"))),
                   help=f"since {fmt_date(profile.get('status_since_date'))}, as of "
                        f"{fmt_date(profile.get('status_as_of_date'))}")
    row1[1].metric("Lifecycle stage", md_text(fmt_text(profile.get("lifecycle_stage"))))
    row1[2].metric("Net revenue", fmt_usd(profile.get("net_revenue_usd")),
                   help=f"{fmt_count(profile.get('purchase_count'))} purchases; "
                        f"RFM segment {md_text(fmt_text(profile.get('rfm_segment')))}")
    row1[3].metric("12-month CLV", fmt_usd(profile.get("clv_usd")))
    row2 = st.columns(4)
    row2[0].metric("Open tickets", fmt_count(profile.get("open_ticket_count")),
                   help=f"oldest opened {fmt_date(profile.get('oldest_open_ticket_opened_at'))}")
    row2[1].metric("Open complaints", fmt_count(profile.get("open_complaint_count")),
                   help=f"{fmt_count(profile.get('recent_complaint_count'))} complaints recently")
    row2[2].metric("Open follow-ups", fmt_count(profile.get("open_follow_up_count")),
                   help=f"{fmt_count(profile.get('overdue_follow_up_count'))} overdue")
    scores = " / ".join(fmt_text(profile.get(f"last_{m}_score")) for m in ("nps", "csat", "ces"))
    row2[3].metric("Last NPS / CSAT / CES", md_text(scores))

    owner = fmt_text(profile.get("owner_name"), "no CRM owner")
    if profile.get("owner_name"):
        owner += f" ({fmt_text(profile.get('owner_email'), 'no email')}"
        owner += ")" if profile.get("is_owner_active") else ", inactive)"
    st.text(
        f"Owner: {owner} · Segment: {fmt_text(profile.get('rfm_segment'))} · "
        f"Last contact: {fmt_date(profile.get('last_contact_at'))} "
        f"({fmt_text(profile.get('last_contact_channel'))})"
    )
    if profile.get("next_follow_up_subject"):
        st.text(
            f"Next follow-up: {profile['next_follow_up_subject']} — due "
            f"{fmt_date(profile.get('next_follow_up_due_date'))} "
            f"({fmt_text(profile.get('next_follow_up_owner_name'), 'no owner')})"
        )

    left, right = st.columns([1, 2])
    with left:
        st.subheader("Last contacts")
        contacts = q.last_contacts(profile)
        show_table(contacts, "No contact recorded.")
    with right, section("Open items"):
        open_items = q.customer_open_items(con, customer_id)
        show_table(open_items, "Nothing open.", empty=st.success)

    show_record_explanations(con, customer_id)

    with section("Recent service contacts"):
        recent = q.customer_recent_activity(con, customer_id)
        show_table(recent, "No service contacts.")

    with section("Timeline"):
        timeline = q.customer_timeline(con, customer_id)
        if timeline.empty:
            st.info("No events.")
        else:
            total = q.customer_event_count(con, customer_id)
            latest = timeline.iloc[0]
            shown = "" if total == len(timeline) else f" (latest {len(timeline):,} shown)"
            st.caption(
                f"{total:,} events{shown}, newest first — latest: {fmt_date(latest['occurred_at'])} "
                f"{md_text(latest['event_type'])} ({md_text(fmt_text(latest['channel'], 'no channel'))})"
            )
            st.dataframe(timeline, hide_index=True)

    with section("Survey responses"):
        st.caption("Named responses only: the survey marts show a customer only with their consent.")
        responses = q.customer_survey_responses(con, customer_id)
        show_table(responses, "No named survey responses.")

    with section("Survey alerts"):
        alerts = q.customer_alerts(con, customer_id)
        if alerts.empty:
            st.info("No survey alerts.")
        else:
            counts = alerts["alert_status"].value_counts()
            st.caption(
                f"{counts.get('overdue', 0)} overdue, {counts.get('open', 0)} open, "
                f"{counts.get('closed', 0)} closed"
            )
            st.dataframe(alerts, hide_index=True)


def show_record_explanations(con: duckdb.DuckDBPyConnection, customer_id: str) -> None:
    """Why each source record is in this customer: the rule, steward correction or match weight that
    joined it and the other record of the pair; pick a record to see every link that ties it in."""
    import streamlit as st

    with section("Why these records are one customer"):
        explanations = q.customer_record_explanations(con, customer_id)
        if explanations.empty:
            st.info("No source records explained.")
            return
        methods = explanations["joined_by"].value_counts()
        st.caption(
            f"{len(explanations):,} source records; first reason per record: "
            + ", ".join(f"{md_text(rule)} {count:,}" for rule, count in methods.items())
        )
        st.dataframe(explanations, hide_index=True)
        if len(explanations) > 1:
            record_key = st.selectbox("Every link of a record", explanations["record_key"].tolist())
            if record_key:
                st.dataframe(q.record_links(con, customer_id, record_key), hide_index=True)


def page_team(con: duckdb.DuckDBPyConnection) -> None:
    """The team's survey alerts: totals, overdue by owner and supervisor, the overdue list, handling."""
    import streamlit as st

    st.title("Team view")
    st.caption(
        "Survey alerts of customers who agreed to be named, by CRM owner and the owner's supervisor. "
        "Overdue: not closed and past its due date. Anonymous alerts count for the team only."
    )
    if q.SURVEY_ALERTS not in q.published_tables(con):
        st.info(md_text(q.TableNotBuilt(q.SURVEY_ALERTS)))
        with section("Alert handling"):
            st.dataframe(q.alert_handling_summary(con), hide_index=True)
        return
    with section():
        totals = q.alert_totals(con)
        cols = st.columns(5)
        cols[0].metric("Overdue alerts", fmt_count(totals.get("overdue_alert_count")))
        cols[1].metric("Open alerts", fmt_count(totals.get("open_alert_count")))
        cols[2].metric("Closed alerts", fmt_count(totals.get("closed_alert_count")))
        named = totals.get("named_alert_count") or 0
        cols[3].metric("Closed within SLA",
                       fmt_percent(totals.get("closed_within_sla_count", 0) / named if named else None, 100))
        cols[4].metric("Anonymous alerts", fmt_count(totals.get("anonymous_alert_count")))

    with section("Overdue alerts by owner"):
        by_owner = q.overdue_alerts_by_owner(con)
        if by_owner.empty:
            st.info("No named alerts.")
        else:
            chart = by_owner[by_owner["overdue_alert_count"] > 0].head(25)
            if not chart.empty:
                st.bar_chart(chart, x="owner_name", y="overdue_alert_count", color="supervisor_name",
                             horizontal=True, x_label="owner", y_label="overdue alerts")
            st.dataframe(by_owner, hide_index=True)

    with section("By supervisor"):
        st.dataframe(q.overdue_alerts_by_supervisor(con), hide_index=True)

    with section("Overdue alerts"):
        owners = q.overdue_alerts_by_owner(con)
        owner_names = sorted(owners.loc[owners["overdue_alert_count"] > 0, "owner_name"].unique())
        owner = st.selectbox("Owner", ["All owners", *owner_names])
        overdue = q.overdue_alerts(con, None if owner == "All owners" else owner)
        show_table(overdue, "Nothing overdue.", empty=st.success)

    with section("Alert handling"):
        st.dataframe(q.alert_handling_summary(con), hide_index=True)


def page_programme(con: duckdb.DuckDBPyConnection) -> None:
    """What the programme saves and earns: ROI headline, monthly benefit and cost, conflicts, experience."""
    import streamlit as st

    st.title("Programme")
    st.caption("What one customer view saves and earns: consolidation, conflicts caught, repeat "
               "contacts and recovered detractors, priced with the ROI assumptions.")
    with section("Headline"):
        head = q.roi_headline(con)
        if head is None:
            st.info("roi_consolidation is empty.")
        else:
            cols = st.columns(5)
            cols[0].metric("Duplicate records removed", fmt_count(head.get("duplicate_records_removed_count")),
                           help=f"{fmt_count(head.get('source_record_count'))} source records → "
                                f"{fmt_count(head.get('customer_count'))} customers")
            cols[1].metric("Duplicate mailings", fmt_count(head.get("duplicate_mailing_count")),
                           help=f"cost {fmt_usd(head.get('duplicate_mailing_cost_usd'))}")
            cols[2].metric("Conflicting communications", fmt_count(head.get("conflicting_communication_count")),
                           help=f"{fmt_count(head.get('conflicted_customer_count'))} customers; cost "
                                f"{fmt_usd(head.get('conflict_cost_usd'))}")
            cols[3].metric("Customers suppressed today", fmt_count(head.get("suppressed_customer_count")))
            cols[4].metric("Repeat contacts", fmt_count(head.get("repeat_contact_count")),
                           help=f"cost {fmt_usd(head.get('repeat_contact_cost_usd'))}")
            cols = st.columns(5)
            cols[0].metric("Source records per customer", md_text(fmt_text(head.get("source_records_per_customer"))))
            cols[1].metric("Duplicate mailing cost", fmt_usd(head.get("duplicate_mailing_cost_usd")))
            cols[2].metric("Conflict cost", fmt_usd(head.get("conflict_cost_usd")))
            cols[3].metric("Conflicted customers", fmt_count(head.get("conflicted_customer_count")))
            cols[4].metric("Repeat contact cost", fmt_usd(head.get("repeat_contact_cost_usd")))

    with section("Benefit and cost by month"):
        monthly = q.roi_monthly(con)
        if monthly.empty:
            st.info("No months.")
        else:
            totals = monthly[["total_benefit_usd", "program_cost_usd", "net_benefit_usd"]].sum()
            cols = st.columns(3)
            cols[0].metric("Total benefit", fmt_usd(totals["total_benefit_usd"]))
            cols[1].metric("Programme cost", fmt_usd(totals["program_cost_usd"]))
            cost = totals["program_cost_usd"]
            cols[2].metric("ROI", fmt_percent(totals["net_benefit_usd"] / cost if cost else None, 100))
            st.line_chart(monthly, x="report_month",
                          y=["total_benefit_usd", "program_cost_usd", "net_benefit_usd"], y_label="USD")
            benefits = monthly.assign(month=monthly["report_month"].astype(str).str[:7])
            st.bar_chart(benefits, x="month",
                         y=["duplicate_mailing_savings_usd", "conflict_savings_usd",
                            "recovered_detractor_value_usd"], y_label="benefit, USD")

    with section("Conflicts by rule"):
        rules = q.conflicts_by_rule(con)
        if rules.empty:
            st.info("No conflicts.")
        else:
            st.bar_chart(rules, x="rule_id", y="conflicting_communication_count", color="scope",
                         horizontal=True, x_label="rule", y_label="conflicting communications")
            st.dataframe(rules, hide_index=True)
            by_month = q.conflicts_monthly(con)
            if not by_month.empty:
                st.line_chart(by_month, x="communication_month", y="conflicting_communication_count",
                              color="rule_id")

    with section("Customer experience and retention"):
        experience = q.customer_experience(con)
        if experience.empty:
            st.info("No customers.")
        else:
            segment_type = st.selectbox("Segment by", sorted(experience["segment_type"].unique()))
            chosen = experience[experience["segment_type"] == segment_type]
            st.bar_chart(chosen, x="segment", y="retention_rate", y_label="retention rate")
            st.dataframe(chosen, hide_index=True)

    with section("Survey programmes"):
        st.dataframe(q.survey_scores_overall(con), hide_index=True)

    with section("Repeat contacts by department"):
        departments = q.repeat_contacts_by_department(con)
        if departments.empty:
            st.info("No service contacts.")
        else:
            st.bar_chart(departments, x="department", y="repeat_contact_count", y_label="repeat contacts")


def open_bi(bi_path: Path) -> duckdb.DuckDBPyConnection:
    """The BI file, read-only; a page explaining what to do (and a stop) when it is missing or busy."""
    import streamlit as st

    if not bi_path.exists():
        st.title("customer360")
        st.error(
            f"The BI database was not found: `{bi_path}`.\n\n"
            "Build it with `make build` (it writes `data/customer360_bi.duckdb`), or point the app at "
            "another file with `CUSTOMER360_BI_DB_PATH=<file>` or `streamlit run app.py -- --bi <file>`."
        )
        st.stop()
    try:
        return connect_bi(bi_path)
    except duckdb.Error as error:
        st.title("customer360")
        st.error(
            f"The BI database `{bi_path}` cannot be opened right now (is a build writing it?).\n\n{error}"
        )
        st.stop()
        raise  # st.stop() ends the script run by raising; outside Streamlit the error goes on


def sidebar(con: duckdb.DuckDBPyConnection, bi_path: Path) -> None:
    """Which BI file is shown, and which marts it does not have yet."""
    import streamlit as st

    with st.sidebar:
        st.caption(f"BI file: {md_text(bi_path)} (read-only)")
        missing = q.missing_tables(con)
        if missing:
            with st.expander(f"{len(missing)} marts not built yet"):
                st.markdown("\n".join(f"- {md_text(f'{q.SCHEMA}.{table}')}" for table in missing))


def run() -> None:
    """One page view: open the BI file, draw the sidebar, run the page the URL names, close the file."""
    import streamlit as st

    st.set_page_config(page_title="customer360", layout="wide")
    bi_path = resolve_bi_path()
    con = open_bi(bi_path)
    try:
        sidebar(con, bi_path)
        page = st.navigation([
            st.Page(partial(page_find_customer, con), title="Find a customer", url_path="customer", default=True),
            st.Page(partial(page_team, con), title="Team view", url_path="team"),
            st.Page(partial(page_programme, con), title="Programme", url_path="programme"),
        ])
        page.run()
    finally:
        con.close()


if __name__ == "__main__":
    run()
