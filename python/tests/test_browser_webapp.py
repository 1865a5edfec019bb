"""The web view in a real browser: `streamlit run` on a free port, driven by Playwright + system Chromium.

The BI file is CUSTOMER360_TEST_BI_DB (make test passes the test build's data/test/customer360_test_bi.duckdb);
unset, a small fixture BI file is built in tmp, so the test also runs on its own. Expected figures are read
from the same BI file, so the test checks the page against the data, whatever the build holds; a mart the
file does not have must show "not built yet: marts.<table>".
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import assert_not_blank, free_port, launch, require_chromium, screenshot_path
from customer360.privacy.reader import connect_bi
from customer360.webapp import app as webapp_app
from customer360.webapp import queries as q
from webapp_fixture import BO, MARKUP, MARKUP_HOSTS, build_fixture_bi, build_markup_fixture_bi

pytestmark = pytest.mark.browser

APP = Path(webapp_app.__file__)
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def bi_file(tmp_path_factory) -> Path:
    given = os.environ.get("CUSTOMER360_TEST_BI_DB")
    if given:
        path = Path(given)
        assert path.exists(), f"CUSTOMER360_TEST_BI_DB={given} does not exist (run the dbt test build first)"
        return path
    return build_fixture_bi(tmp_path_factory.mktemp("webapp") / "fixture_bi.duckdb")


@pytest.fixture(scope="module")
def expected(bi_file) -> dict:
    """What the pages must show, read from the BI file with the app's own reader."""
    con = connect_bi(bi_file)
    try:
        present = q.published_tables(con)
        assert {q.CUSTOMER_360, q.CUSTOMER_EVENTS} <= present, "the BI file has no customer_360 / events"
        customer_id, full_name, email, status, event_count = con.execute(f"""
            select c.customer_id, c.full_name, c.email, c.customer_status, count(*) as event_count
            from {q.SCHEMA}.{q.CUSTOMER_360} as c
            inner join {q.SCHEMA}.{q.CUSTOMER_EVENTS} as e on c.customer_id = e.customer_id
            where c.full_name is not null and c.email is not null
            group by all
            order by event_count desc, c.customer_id
            limit 1
        """).fetchone()
        timeline = q.customer_timeline(con, customer_id, limit=1).iloc[0]
        result = {
            "present": present,
            "customer_id": customer_id, "full_name": full_name, "email": email, "status": status,
            "timeline_caption": f"{event_count:,} events",
            "latest_event": f"{webapp_app.fmt_date(timeline['occurred_at'])} {timeline['event_type']}",
        }
        if q.SURVEY_ALERTS in present:
            result["overdue"] = webapp_app.fmt_count(q.alert_totals(con)["overdue_alert_count"])
        if q.ROI_CONSOLIDATION in present:
            head = q.roi_headline(con)
            result["conflicts"] = webapp_app.fmt_count(head["conflicting_communication_count"])
            result["duplicates_removed"] = webapp_app.fmt_count(head["duplicate_records_removed_count"])
        if q.ROI_PROGRAM_MONTHLY in present:
            result["has_monthly"] = not q.roi_monthly(con).empty
        return result
    finally:
        con.close()


@contextmanager
def _streamlit(bi_file: Path):
    """``streamlit run`` of the app on ``bi_file`` on a free port; yields its URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CUSTOMER360_BI_DB_PATH"}
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
        "--", "--bi", str(bi_file),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{process.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer /_stcore/health within 60 s")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def app_url(bi_file):
    require_chromium()
    with _streamlit(bi_file) as url:
        yield url


def _metric_value(page, label: str):
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return metric.locator('[data-testid="stMetricValue"]')


def _not_built(page, table: str):
    return page.get_by_text(f"not built yet: {q.SCHEMA}.{table}")


def _settle(page) -> None:
    """Wait until the script run is over, no placeholder is left and every chart has drawn."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
            && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .every(chart => chart.querySelector('canvas, svg'))""",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(1000)


def test_web_app_pages_in_browser(app_url, expected):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            requested = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(app_url, wait_until="domcontentloaded")

            # (a) find a customer -> profile, timeline
            expect(page.get_by_role("heading", name="Find a customer", exact=True)).to_be_visible()
            search = page.get_by_label("Name, email or customer id")
            search.fill(expected["email"])
            search.press("Enter")
            expect(page.get_by_role("heading", name=expected["full_name"], exact=True)).to_be_visible()
            expect(page.get_by_text(expected["customer_id"]).first).to_be_visible()
            expect(_metric_value(page, "Status")).to_have_text(expected["status"])
            expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
            caption = page.get_by_text(expected["timeline_caption"]).first
            expect(caption).to_be_visible()
            expect(caption).to_contain_text(expected["latest_event"])
            expect(page.get_by_role("heading", name="Survey alerts", exact=True)).to_be_visible()
            if q.SURVEY_ALERTS not in expected["present"]:
                expect(_not_built(page, q.SURVEY_ALERTS)).to_be_visible()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            shot = screenshot_path("webapp_customer.png")
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)

            # (b) team view
            page.get_by_role("link", name="Team view").click()
            expect(page.get_by_role("heading", name="Team view", exact=True)).to_be_visible()
            expect(page).to_have_url(f"{app_url}/team")
            if "overdue" in expected:
                expect(_metric_value(page, "Overdue alerts")).to_have_text(expected["overdue"])
                expect(page.get_by_role("heading", name="Overdue alerts by owner", exact=True)).to_be_visible()
                if expected["overdue"] != "0":
                    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
            else:
                expect(_not_built(page, q.SURVEY_ALERTS).first).to_be_visible()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            shot = screenshot_path("webapp_team.png")
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)

            # (c) programme, opened by its URL
            page.goto(f"{app_url}/programme", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Programme", exact=True)).to_be_visible()
            if "conflicts" in expected:
                expect(_metric_value(page, "Conflicting communications")).to_have_text(expected["conflicts"])
                expect(_metric_value(page, "Duplicate records removed")).to_have_text(
                    expected["duplicates_removed"])
            else:
                expect(_not_built(page, q.ROI_CONSOLIDATION)).to_be_visible()
            if expected.get("has_monthly"):
                expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            shot = screenshot_path("webapp_programme.png")
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)
            outside = sorted({request for request in requested if _outside(request)})
            assert outside == [], f"the pages requested outside URLs: {outside}"
        finally:
            browser.close()


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _outside(url: str) -> bool:
    """A request that leaves this machine (data: and blob: URLs do not)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def test_web_app_fetches_nothing_from_outside_hosts(tmp_path):
    """Source text with Markdown and HTML (an image, links, raw <img>) shows as typed on every page, and
    the browser requests nothing from any host but the app's own."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    bi_file = build_markup_fixture_bi(tmp_path / "markup_bi.duckdb")
    with _streamlit(bi_file) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            requested = []
            page.on("request", lambda request: requested.append(request.url))

            page.goto(f"{url}/?customer={BO}", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            outside = sorted({request for request in requested if _outside(request)})
            assert outside == [], f"the customer page requested outside URLs: {outside}"
            markup_elements = ", ".join(f'img[src*="{host}"], a[href*="{host}"]' for host in MARKUP_HOSTS)
            assert page.locator(markup_elements).count() == 0
            expect(page.get_by_role("heading", name=f"Bo {MARKUP} Ray", exact=True)).to_be_visible()
            expect(page.get_by_text(f"Next follow-up: {MARKUP}").first).to_be_visible()
            shot = screenshot_path("webapp_markup_customer.png")
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)

            for path, title in (("team", "Team view"), ("programme", "Programme")):
                page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
                _settle(page)
                assert page.locator(markup_elements).count() == 0

            outside = sorted({request for request in requested if _outside(request)})
            assert outside == [], f"the page requested outside URLs: {outside}"
            assert any(request.startswith(url) for request in requested)  # the listener did listen
        finally:
            browser.close()


def test_web_app_says_when_the_bi_file_is_missing(tmp_path):
    """No BI file: a friendly message naming the file and `make build`, no traceback."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    missing = tmp_path / "nowhere_bi.duckdb"
    env = {**os.environ, "CUSTOMER360_BI_DB_PATH": str(missing)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, "streamlit exited"
                assert time.monotonic() < deadline, "streamlit did not start"
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page()
                page.goto(url, wait_until="domcontentloaded")
                alert = page.locator('[data-testid="stAlert"]')
                expect(alert).to_contain_text("BI database was not found", timeout=TIMEOUT_MS)
                expect(alert).to_contain_text(str(missing))
                expect(alert).to_contain_text("make build")
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_customer_page_explains_why_each_record_is_in_the_customer(bi_file, app_url):
    """The customer page shows every source record of the customer with the rule, steward correction or
    match weight that joined it and the other record of the pair (customer_record_explanations)."""
    from playwright.sync_api import expect, sync_playwright

    con = connect_bi(bi_file)
    try:
        if q.RECORD_EXPLANATIONS not in q.published_tables(con):
            pytest.fail(f"the BI file has no {q.SCHEMA}.{q.RECORD_EXPLANATIONS}")
        # a customer joined by more than one kind of evidence, a steward's correction first if any
        customer_id = con.execute(f"""
            select customer_id
            from {q.SCHEMA}.{q.RECORD_EXPLANATIONS}
            group by customer_id
            having count(distinct record_key) between 3 and 40
            order by
                count(*) filter (where record_steward_correction_ids is not null) > 0 desc,
                count(distinct link_method) desc, customer_id
            limit 1
        """).fetchone()[0]
    finally:
        con.close()
    con = connect_bi(bi_file)
    try:
        explained = q.customer_record_explanations(con, customer_id)
    finally:
        con.close()
    counts = explained["joined_by"].value_counts()
    caption = (f"{len(explained):,} source records; first reason per record: "
               + ", ".join(f"{rule} {count:,}" for rule, count in counts.items()))
    # a record whose pair is another record, to look for in the table and the link list
    paired = explained[explained["other_record_key"].notna()].iloc[-1]

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2400})
            page.goto(f"{app_url}/?customer={customer_id}", wait_until="domcontentloaded")
            heading = page.get_by_role("heading", name="Why these records are one customer", exact=True)
            expect(heading).to_be_visible()
            expect(page.get_by_text(caption, exact=True)).to_be_visible()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            heading.scroll_into_view_if_needed()
            table = page.locator('[data-testid="stDataFrame"]').filter(has_text=str(paired["record_key"])).first
            expect(table).to_be_visible()
            expect(table).to_contain_text(str(paired["joined_by"]))
            expect(table).to_contain_text(str(paired["other_record_key"]))
            # every link of that record, with the other record of each pair
            picker = page.get_by_label("Every link of a record")
            picker.click()
            page.get_by_role("option", name=str(paired["record_key"]), exact=True).click()
            _settle(page)
            links = page.locator('[data-testid="stDataFrame"]').filter(has_text="link_method").last
            expect(links).to_contain_text(str(paired["other_record_key"]))
            shot = screenshot_path("webapp_customer_explanations.png")
            heading.scroll_into_view_if_needed()
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)
        finally:
            browser.close()
