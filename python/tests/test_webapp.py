"""The web view's queries and pages on a tiny fixture BI file (webapp_fixture.py), without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import duckdb
import pytest

from customer360.privacy.reader import connect_bi
from customer360.webapp import app as webapp_app
from customer360.webapp import queries as q
from webapp_fixture import ANN, BO, MARKUP, MARKUP_HOSTS, NONAME, TABLES, build_fixture_bi, build_markup_fixture_bi


@pytest.fixture()
def bi(tmp_path):
    return build_fixture_bi(tmp_path / "fixture_bi.duckdb")


@pytest.fixture()
def con(bi):
    connection = connect_bi(bi)
    yield connection
    connection.close()


def test_fixture_has_every_table_the_app_reads(con):
    assert q.missing_tables(con) == []


@pytest.mark.parametrize("text, expected", [
    ("ann.lee@example.com", [ANN]),
    ("ANN.LEE@EXAMPLE.COM", [ANN]),
    ("lee", [ANN]),
    ("example.com", [ANN, BO]),
    (ANN.lower(), [ANN]),
    ("nobody-like-this", []),
    ("   ", []),
])
def test_search_by_name_email_or_id(con, text, expected):
    assert list(q.search_customers(con, text)["customer_id"]) == expected


def test_search_puts_the_exact_id_first_and_respects_the_limit(con):
    assert list(q.search_customers(con, "bo.ray@example.com", limit=1)["customer_id"]) == [BO]
    assert len(q.search_customers(con, "example", limit=1)) == 1


def test_search_does_not_run_sql_from_the_search_text(con):
    assert q.search_customers(con, "' or 1=1 --").empty


@pytest.mark.parametrize("text", ["%", "_", "%%", "__", "%@%", "\\", "a_n.lee@example.com"])
def test_search_treats_like_wildcards_as_characters(con, text):
    """% and _ typed in the search are characters to find, not LIKE wildcards matching everyone."""
    assert list(q.search_customers(con, text)["customer_id"]) == []


def test_search_finds_names_with_wildcard_characters_literally(tmp_path):
    path = build_fixture_bi(tmp_path / "wildcards_bi.duckdb")
    with duckdb.connect(str(path)) as writer:
        writer.execute("update marts.customer_360 set full_name = 'Bo 100%_Ray\\x' where customer_id = ?", [BO])
    con = connect_bi(path)
    try:
        assert list(q.search_customers(con, "100%_ray\\x")["customer_id"]) == [BO]
        assert list(q.search_customers(con, "%_r")["customer_id"]) == [BO]
    finally:
        con.close()


def test_profile_money_is_float_and_unknown_customer_is_none(con):
    profile = q.customer_profile(con, ANN)
    assert profile["full_name"] == "Ann Lee"
    assert isinstance(profile["clv_usd"], float) and profile["clv_usd"] == 2500.0
    assert profile["open_ticket_count"] == 1
    assert q.customer_profile(con, "C-not-there") is None


def test_last_contacts_newest_first_without_empty_channels(con):
    contacts = q.last_contacts(q.customer_profile(con, ANN))
    assert list(contacts["channel"]) == ["phone", "email", "web", "mail"]
    assert q.last_contacts(q.customer_profile(con, NONAME)).empty


def test_timeline_is_the_customers_events_newest_first(con):
    timeline = q.customer_timeline(con, ANN)
    assert list(timeline["event_key"]) == ["e3", "e2", "e1"]
    assert timeline["occurred_at"].is_monotonic_decreasing
    assert list(q.customer_timeline(con, ANN, limit=1)["event_key"]) == ["e3"]
    assert q.customer_event_count(con, ANN) == 3
    assert q.customer_timeline(con, NONAME).empty


def test_open_items_only_open_and_recent_activity_by_rank(con):
    assert list(q.customer_open_items(con, ANN)["activity_key"]) == ["support:tickets:1"]
    assert list(q.customer_recent_activity(con, ANN)["activity_type"]) == ["support_ticket", "call"]


def test_survey_responses_only_named_ones(con):
    responses = q.customer_survey_responses(con, ANN)
    assert list(responses["survey_response_id"]) == ["R1"]
    # the anonymous response R2 has no customer and is never shown
    all_shown = {r for c in (ANN, BO, NONAME) for r in q.customer_survey_responses(con, c)["survey_response_id"]}
    assert "R2" not in all_shown


def test_customer_alerts_with_due_date_and_follow_up(con):
    alerts = q.customer_alerts(con, ANN)
    assert list(alerts["alert_status"]) == ["overdue"]
    assert str(alerts["due_date"].iloc[0])[:10] == "2026-05-05"
    assert not alerts["has_follow_up"].iloc[0]
    assert list(q.customer_alerts(con, BO)["has_follow_up"]) == [True]


def test_team_figures(con):
    totals = q.alert_totals(con)
    assert totals == {
        "alert_count": 3, "named_alert_count": 2, "anonymous_alert_count": 1, "open_alert_count": 1,
        "overdue_alert_count": 1, "closed_alert_count": 0, "closed_within_sla_count": 0,
    }
    by_owner = q.overdue_alerts_by_owner(con)
    assert list(by_owner["owner_name"]) == ["Olivia Owner", "Peter Owner"]  # most overdue first
    assert list(by_owner["overdue_alert_count"]) == [1, 0]
    assert set(by_owner["supervisor_name"]) == {"Sam Supervisor"}
    by_supervisor = q.overdue_alerts_by_supervisor(con)
    assert by_supervisor.to_dict("records")[0]["owner_count"] == 2
    assert list(q.overdue_alerts(con)["survey_response_id"]) == ["R1"]
    assert list(q.overdue_alerts(con, "Olivia Owner")["customer_name"]) == ["Ann Lee"]
    assert q.overdue_alerts(con, "Peter Owner").empty
    assert list(q.alert_handling_summary(con)["summary_level"]) == ["team", "owner"]


def test_programme_figures(con):
    head = q.roi_headline(con)
    assert head["conflicting_communication_count"] == 4321
    assert isinstance(head["conflict_cost_usd"], float) and head["conflict_cost_usd"] == 5250.0
    monthly = q.roi_monthly(con)
    assert len(monthly) == 3 and monthly["report_month"].is_monotonic_increasing
    assert monthly["total_benefit_usd"].dtype.kind == "f"
    rules = q.conflicts_by_rule(con)
    assert rules.iloc[0].to_dict() == {"rule_id": "offer_vs_open_complaint", "scope": "customer",
                                       "conflict_pair_count": 2, "conflicting_communication_count": 2,
                                       "customer_count": 1}
    assert q.conflicts_monthly(con)["conflicting_communication_count"].sum() == 3
    assert set(q.customer_experience(con)["segment_type"]) == {"nps_group", "detractor_recovery"}
    departments = q.repeat_contacts_by_department(con)
    assert departments.iloc[0]["department"] == "customer_care"
    assert departments.iloc[0]["repeat_contact_share"] == 0.25
    assert list(q.survey_scores_overall(con)["metric"]) == ["nps", "csat"]


def test_missing_table_raises_not_built(tmp_path):
    path = build_fixture_bi(tmp_path / "partial_bi.duckdb", skip=("fct_survey_alerts", "roi_consolidation"))
    con = connect_bi(path)
    try:
        assert q.missing_tables(con) == ["fct_survey_alerts", "roi_consolidation"]
        with pytest.raises(q.TableNotBuilt, match="not built yet: marts.fct_survey_alerts") as error:
            q.customer_alerts(con, ANN)
        assert error.value.table == "fct_survey_alerts"
        with pytest.raises(q.TableNotBuilt, match="roi_consolidation"):
            q.roi_headline(con)
        assert list(q.customer_timeline(con, ANN)["event_key"])[0] == "e3"  # the rest still works
    finally:
        con.close()


def test_renamed_column_raises_mart_changed(tmp_path):
    tables = dict(TABLES)
    tables["fct_communication_conflicts"] = TABLES["fct_communication_conflicts"].replace(
        "as t(rule_id,", "as t(conflict_rule,")
    con = connect_bi(build_fixture_bi(tmp_path / "changed_bi.duckdb", tables=tables))
    try:
        with pytest.raises(q.MartChanged, match="marts.fct_communication_conflicts does not have the columns"):
            q.conflicts_by_rule(con)
    finally:
        con.close()


def test_the_app_connection_is_read_only(con):
    with pytest.raises(duckdb.Error):
        con.execute("create table marts.scratch as select 1 as x")
    with pytest.raises(duckdb.Error):
        con.execute("select * from read_csv('/etc/hostname')")


def test_bi_path_from_argument_then_env_then_default():
    env = {"CUSTOMER360_BI_DB_PATH": "from_env.duckdb"}
    assert str(webapp_app.resolve_bi_path(["--bi", "arg.duckdb"], env)) == "arg.duckdb"
    assert str(webapp_app.resolve_bi_path(["--other", "x"], env)) == "from_env.duckdb"
    assert str(webapp_app.resolve_bi_path([], {})) == "data/customer360_bi.duckdb"


@pytest.mark.parametrize("value, text", [(1234.5, "$1,234"), (None, "—"), (float("nan"), "—")])
def test_fmt_usd(value, text):
    assert webapp_app.fmt_usd(value) == text


def test_record_explanations_one_row_per_record_with_the_other_record_of_the_pair(con):
    explained = q.customer_record_explanations(con, ANN)
    assert list(explained["record_key"]) == ["crm:contacts:1", "pos:loyalty_members:9", "web:registrations:7"]
    rows = explained.set_index("record_key")
    # the rule comes first; a record the model alone joined shows its weight and its pair
    assert rows.loc["web:registrations:7", "joined_by"] == "same_email_same_first_name"
    assert rows.loc["web:registrations:7", "link_count"] == 2
    assert rows.loc["pos:loyalty_members:9", "joined_by"] == "probabilistic_match"
    assert rows.loc["pos:loyalty_members:9", "match_weight"] == 12.5
    assert rows.loc["pos:loyalty_members:9", "other_record_key"] == "web:registrations:7"
    assert rows.loc["pos:loyalty_members:9", "steward_corrections"] == "SC-0001"
    links = q.record_links(con, ANN, "web:registrations:7")
    assert list(links["link_rule"]) == ["same_email_same_first_name", "probabilistic_match"]
    assert list(q.customer_record_explanations(con, BO)["joined_by"]) == ["singleton"]


# -- the Streamlit pages, run headless with streamlit.testing (no browser) --------------------------

def _app_test(monkeypatch, bi_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CUSTOMER360_BI_DB_PATH", str(bi_path))
    monkeypatch.setattr("sys.argv", ["app.py"])
    return AppTest.from_file(webapp_app.__file__, default_timeout=60)


def _shown(markdown: str) -> str:
    """What a reader sees of a string Streamlit renders as Markdown (escapes resolved, no markup)."""
    from markdown_it import MarkdownIt

    return _rendered_text(MarkdownIt("commonmark").parse(markdown or ""))


class _HtmlText(HTMLParser):
    """The tags and the text of an st.html body, as a browser would show it."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.parts = [], []
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _headings(at) -> list[str]:
    """The page's headings: st.header and the customer's name (an escaped HTML heading)."""
    return [_shown(h.value) for h in at.header] + [_HtmlText(h.value).text for h in at.html]


def _texts(at) -> str:
    parts = [_shown(e.value) for kind in ("title", "header", "subheader", "caption", "markdown", "info",
                                          "warning", "error", "success") for e in getattr(at, kind)]
    parts += [f"{_shown(m.label)}={_shown(m.value)}" for m in at.metric]
    parts += [e.value for e in at.text] + [_HtmlText(e.value).text for e in at.html]
    return "\n".join(str(p) for p in parts)


def test_find_customer_page_shows_profile_timeline_surveys_and_alerts(monkeypatch, bi):
    at = _app_test(monkeypatch, bi).run()
    assert not at.exception
    at.text_input(key="customer_search").input("ann.lee@").run()
    assert not at.exception
    text = _texts(at)
    assert "Ann Lee" in _headings(at)
    assert "Status=active" in text and "12-month CLV=$2,500" in text
    assert "3 events, newest first — latest: 2026-05-02 support_ticket_opened (phone)" in text
    assert "1 overdue, 0 open, 0 closed" in text
    assert "Olivia Owner" in text
    assert "3 source records; first reason per record: same_email_same_first_name 2, probabilistic_match 1" in text
    picker = next(box for box in at.selectbox if box.label == "Every link of a record")
    picker.select("pos:loyalty_members:9").run()
    assert not at.exception
    assert any("other_record_key" in frame.value.columns and "web:registrations:7" in frame.value["other_record_key"].tolist()
               for frame in at.dataframe)


def test_find_customer_page_with_several_matches_and_none(monkeypatch, bi):
    at = _app_test(monkeypatch, bi).run()
    at.text_input(key="customer_search").input("example.com").run()
    assert at.selectbox[0].label == "2 customers match"
    at.selectbox[0].select(BO).run()
    assert _headings(at) == ["Bo Ray"]
    at.text_input(key="customer_search").input("zzz").run()
    assert "No customer matches" in _texts(at)


def _open_page(at, url_path):
    """Switch AppTest to an st.navigation function page by its url_path (AppTest's switch_page takes
    files only); relies on AppTest internals, so it skips if they change — the browser test still covers it."""
    pages = getattr(at, "_registered_pages", None)
    if not pages:
        pytest.skip("streamlit AppTest cannot switch to function pages in this version")
    matches = [page_hash for page_hash, info in pages.items() if info.get("url_pathname") == url_path]
    assert matches, f"no page {url_path!r} registered: {pages}"
    at._page_hash = matches[0]
    return at.run()


def test_team_page(monkeypatch, bi):
    at = _open_page(_app_test(monkeypatch, bi).run(), "team")
    assert not at.exception
    text = _texts(at)
    assert [_shown(t.value) for t in at.title] == ["Team view"]
    assert "Overdue alerts=1" in text and "Open alerts=1" in text and "Anonymous alerts=1" in text
    assert "Overdue alerts by owner" in [_shown(h.value) for h in at.subheader]


def test_programme_page(monkeypatch, bi):
    at = _open_page(_app_test(monkeypatch, bi).run(), "programme")
    assert not at.exception
    text = _texts(at)
    assert [_shown(t.value) for t in at.title] == ["Programme"]
    assert "Conflicting communications=4,321" in text
    assert "Total benefit=$1,350" in text and "Programme cost=$1,200" in text and "ROI=12.5%" in text
    assert "Customer experience and retention" in [_shown(h.value) for h in at.subheader]


def test_team_page_without_alert_mart(monkeypatch, tmp_path):
    path = build_fixture_bi(tmp_path / "partial_bi.duckdb", skip=("fct_survey_alerts",))
    at = _open_page(_app_test(monkeypatch, path).run(), "team")
    assert not at.exception
    assert [_shown(i.value) for i in at.info] == ["not built yet: marts.fct_survey_alerts"]


def test_pages_show_not_built_yet_for_missing_marts(monkeypatch, tmp_path):
    path = build_fixture_bi(tmp_path / "partial_bi.duckdb", skip=("fct_survey_alerts", "fct_survey_responses"))
    at = _app_test(monkeypatch, path).run()
    at.text_input(key="customer_search").input(ANN).run()
    assert not at.exception
    text = _texts(at)
    assert "not built yet: marts.fct_survey_alerts" in text
    assert "not built yet: marts.fct_survey_responses" in text
    assert "3 events" in text


def test_missing_bi_file_gives_a_friendly_message(monkeypatch, tmp_path):
    at = _app_test(monkeypatch, tmp_path / "nowhere_bi.duckdb").run()
    assert not at.exception
    assert "BI database was not found" in _shown(at.error[0].value) and "make build" in _shown(at.error[0].value)


def test_module_entry_point_builds_the_streamlit_command():
    from customer360.webapp.__main__ import APP, streamlit_argv

    command = streamlit_argv(["--bi", "x_bi.duckdb", "--port", "9000"])
    assert command[:3] == ["streamlit", "run", str(APP)] and APP.name == "app.py"
    assert command[-3:] == ["--", "--bi", "x_bi.duckdb"]
    assert "--browser.gatherUsageStats" in command and command[command.index("--server.port") + 1] == "9000"
    assert "--" not in streamlit_argv([])


# -- source text is text, never Markdown or HTML ------------------------------------------------------

#: What GitHub-flavoured Markdown's literal autolinks turn into links (URLs, www. and email addresses).
BARE_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MARKDOWN_KINDS = ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success")


def _markdown_bodies(at):
    """(where, body) of every string this script run handed Streamlit to render as Markdown: headings,
    captions, st.write/markdown, alerts, metric labels, values and tooltips, widget and expander labels."""
    for kind in MARKDOWN_KINDS:
        for element in getattr(at, kind):
            yield kind, element.value
    for metric in at.metric:
        yield "metric", metric.label
        yield "metric", metric.value
        yield "metric help", metric.proto.help
    for widget in (*at.selectbox, *at.text_input, *at.expander):
        yield type(widget).__name__, widget.label


def _rendered_text(tokens) -> str:
    """The text a CommonMark renderer would show for parsed tokens (no markup)."""
    parts = []
    for token in tokens:
        if token.children:
            parts.append(_rendered_text(token.children))
        elif token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _markup_found(at) -> tuple[list[str], str]:
    """Links, images and HTML a Markdown renderer would make of the page's strings, and the page's text."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")  # CommonMark with raw HTML on, as a browser would see it
    found, texts = [], [element.value for element in at.text]
    for element in at.html:  # HTML Streamlit shows as given: only the escaped name heading may be there
        parsed = _HtmlText(element.value)
        found += [f"html: <{tag} {attrs}>" for tag, attrs in parsed.tags if tag != "h2" or attrs]
        texts.append(parsed.text)
    for where, body in _markdown_bodies(at):
        if not body:
            continue
        tokens = parser.parse(body)
        flat = [t for token in tokens for t in (token.children or [token])]
        found += [f"{where}: {t.type} {t.attrs or t.content!r}" for t in flat
                  if t.type in ("image", "link_open", "html_inline", "html_block")]
        # GitHub-flavoured Markdown (Streamlit's) also links a bare URL or email address
        found += [f"{where}: bare URL or email {match!r}"
                  for match in BARE_LINK.findall(_rendered_text(tokens))]
        texts.append(_rendered_text(tokens))
    return found, "\n".join(texts)


def test_source_text_shows_as_typed_without_links_images_or_html(monkeypatch, tmp_path):
    """Markdown and HTML in names, CRM subjects, ticket topics and survey comments (MARKUP) are shown as the
    characters typed: no image to fetch from an outside host, no link, no HTML."""
    path = build_markup_fixture_bi(tmp_path / "markup_bi.duckdb")
    at = _app_test(monkeypatch, path).run()
    at.text_input(key="customer_search").input(BO).run()
    assert not at.exception
    found, text = _markup_found(at)
    assert found == []
    assert f"Bo {MARKUP} Ray" in text  # the name, as the heading shows it
    assert f"Next follow-up: {MARKUP}" in text
    assert all(host in text for host in MARKUP_HOSTS)
    # the same customer among several matches: the choice list and the profile
    at.text_input(key="customer_search").input("ray").run()
    assert not at.exception
    found, _ = _markup_found(at)
    assert found == []
    # a search text with markup is echoed as typed
    at.text_input(key="customer_search").input(f"{MARKUP} nobody").run()
    assert not at.exception
    found, text = _markup_found(at)
    assert found == [] and "No customer matches" in text


def test_team_and_programme_pages_show_source_text_as_typed(monkeypatch, tmp_path):
    path = build_markup_fixture_bi(tmp_path / "markup_bi.duckdb")
    for url_path in ("team", "programme"):
        at = _open_page(_app_test(monkeypatch, path).run(), url_path)
        assert not at.exception
        found, _ = _markup_found(at)
        assert found == [], url_path
