"""Apache Superset's dashboard in a real browser shows the BI file's figures (make bi-test).

Superset runs from its own virtual environment (CUSTOMER360_SUPERSET_VENV, default .venv-superset; `make
bi-install`), provisioned from the repository by bi/superset/provision.py against the test build's BI file
(CUSTOMER360_TEST_BI_DB) and served by gunicorn on a free port; Playwright drives the system Chromium
(browser_support). Expected figures are read from the same BI file with the project's read-only reader, so
whatever the build holds, the dashboard must show it. The test also checks that Superset's connection to the
BI file is the read-only one of the bundle, with DuckDB's file access off, by running SQL through Superset.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import assert_not_blank, free_port, launch, require_chromium, screenshot_path
from customer360.privacy.reader import connect_bi

pytestmark = pytest.mark.superset

REPO = Path(__file__).resolve().parents[2]
PROVISION = REPO / "bi" / "superset" / "provision.py"
CONFIG = REPO / "bi" / "superset" / "superset_config.py"
VENV = Path(os.environ.get("CUSTOMER360_SUPERSET_VENV") or REPO / ".venv-superset")
DASHBOARD = "/superset/dashboard/customer-360/"
TIMEOUT_MS = 120_000


def _require(condition: bool, message: str) -> None:
    if not condition:
        if os.environ.get("CUSTOMER360_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def bi_file() -> Path:
    given = os.environ.get("CUSTOMER360_TEST_BI_DB")
    _require(bool(given), "needs the dbt test build: run `make bi-test` (sets CUSTOMER360_TEST_BI_DB)")
    path = Path(given).resolve()
    assert path.exists(), f"CUSTOMER360_TEST_BI_DB={given} does not exist (run `make dbt-test` first)"
    return path


@pytest.fixture(scope="module")
def expected(bi_file) -> dict:
    con = connect_bi(bi_file)
    try:
        statuses = dict(con.execute(
            "select customer_status, count(*) from marts.dim_customers group by customer_status").fetchall())
        (team_overdue,) = con.execute(
            "select overdue_alert_count from marts.survey_alert_owner_summary where summary_level = 'team'"
        ).fetchone()
        owners = {name: list(figures) for name, *figures in con.execute("""
            select user_name, overdue_alert_count, open_alert_count, named_alert_count, closed_within_sla_count
            from marts.survey_alert_owner_summary where summary_level = 'owner'""").fetchall()}
    finally:
        con.close()
    return {"statuses": statuses, "customers": sum(statuses.values()), "overdue": team_overdue, "owners": owners}


@pytest.fixture(scope="module")
def superset(bi_file, tmp_path_factory):
    """Provision Superset's home for the BI file, serve it, yield (url, admin password)."""
    require_chromium()
    _require((VENV / "bin" / "superset").exists(),
             f"Superset is not installed in {VENV}: run `make bi-install` (its own virtual environment)")
    home = Path(os.environ.get("CUSTOMER360_SUPERSET_HOME") or tmp_path_factory.mktemp("superset_home"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTOMER360_BI_DB_PATH", "SUPERSET_"))}
    result = subprocess.run([str(VENV / "bin" / "python"), str(PROVISION), "--bi", str(bi_file), "--home", str(home)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"provisioning failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    password = (home / "admin_password").read_text(encoding="utf-8").strip()

    port = free_port()
    env.update(SUPERSET_CONFIG_PATH=str(CONFIG), CUSTOMER360_SUPERSET_HOME=str(home.resolve()))
    log = (home / "gunicorn_test.log").open("w")
    process = subprocess.Popen(
        [str(VENV / "bin" / "gunicorn"), "--workers", "1", "--threads", "8", "--worker-class", "gthread",
         "--timeout", "300", "--bind", f"127.0.0.1:{port}", "superset.app:create_app()"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}: see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Superset did not answer /health within 300 s: see {log.name}")
            time.sleep(1)
        yield url, password
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _chart(page, title: str):
    """The dashboard's chart holder whose header is exactly `title`."""
    header = page.locator('[data-test="slice-header"]').get_by_text(title, exact=True)
    return page.locator('[data-test="dashboard-component-chart-holder"]').filter(has=header)


def _number(text: str) -> int:
    return int(re.sub(r"[,\s]", "", text))


def _table(chart) -> list[list[str]]:
    rows = chart.locator("tbody tr")
    return [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def test_superset_dashboard_shows_the_bi_files_figures(superset, expected, bi_file):
    from playwright.sync_api import expect, sync_playwright

    url, password = superset
    expect.set_options(timeout=TIMEOUT_MS)
    outside = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1500})
            # offline: any request to another host is recorded and refused
            context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"),
                          lambda route: (outside.append(route.request.url), route.abort()))
            page = context.new_page()
            page.goto(f"{url}/login/", wait_until="domcontentloaded")
            page.locator("input#username").fill("admin")
            page.locator("input#password").fill(password)
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_url("**/superset/welcome/**", timeout=TIMEOUT_MS)

            page.goto(f"{url}{DASHBOARD}", wait_until="domcontentloaded")
            expect(page.locator('[data-test="dashboard-header-container"]')).to_contain_text("Customer 360")

            customers = _chart(page, "Customers").locator(".header-line")
            expect(customers).to_have_text(re.compile(r"[\d,]+"))
            assert _number(customers.inner_text()) == expected["customers"]

            overdue = _chart(page, "Overdue survey alerts").locator(".header-line")
            expect(overdue).to_have_text(re.compile(r"[\d,]+"))
            assert _number(overdue.inner_text()) == expected["overdue"]

            by_status = _chart(page, "Customers by status")
            expect(by_status.locator("tbody tr").first).to_be_visible()
            expect(by_status.locator("tbody tr")).to_have_count(len(expected["statuses"]))
            assert {status: _number(count) for status, count in _table(by_status)} == expected["statuses"]

            by_owner = _chart(page, "Alert handling by owner")
            if expected["owners"]:
                expect(by_owner.locator("tbody tr")).to_have_count(len(expected["owners"]))
                shown = {owner: [_number(figure) for figure in figures] for owner, *figures in _table(by_owner)}
                assert shown == expected["owners"]

            # the three drawn charts (status mix, NPS by month, overdue by owner) have drawn a canvas
            for title in ("Customer status mix", "NPS by month, per survey program", "Overdue alerts by owner"):
                expect(_chart(page, title).locator("canvas").first).to_be_visible()
            page.wait_for_timeout(2000)  # let the charts finish their entry animation
            assert page.locator('[data-test="dashboard-component-chart-holder"] .ant-alert-error').count() == 0
            shot = screenshot_path("superset_dashboard.png")
            page.screenshot(path=str(shot), full_page=True)
            assert_not_blank(shot)

            # the connection is the bundle's: the BI file, read-only, no file access, no DML
            connection = _superset_connection(page, url)
            assert connection["sqlalchemy_uri"] == f"duckdb:///{bi_file}"
            assert '"read_only": true' in connection["extra"] and connection["allow_dml"] is False
            assert _run_sql(page, url, connection["id"], "select count(*) as n from marts.dim_customers") == (
                200, [{"n": expected["customers"]}])
            status, body = _run_sql(page, url, connection["id"], "select * from read_csv('/etc/passwd')")
            assert status >= 400 and "file system operations are disabled" in str(body)
            status, body = _run_sql(page, url, connection["id"], "create table marts.written as select 1 as x")
            assert status >= 400 and "DML" in str(body)
        finally:
            browser.close()
    assert outside == [], f"the dashboard tried to reach other hosts: {outside}"


def _superset_connection(page, url: str) -> dict:
    (database,) = [d for d in page.request.get(f"{url}/api/v1/database/").json()["result"]
                   if d["database_name"] == "customer360_bi"]
    result = page.request.get(f"{url}/api/v1/database/{database['id']}/connection").json()["result"]
    return {**result, "id": database["id"]}


def _run_sql(page, url: str, database_id: int, sql: str):
    """Run SQL through Superset's SQL Lab API as the logged-in admin: (HTTP status, data or errors)."""
    csrf = page.request.get(f"{url}/api/v1/security/csrf_token/").json()["result"]
    response = page.request.post(
        f"{url}/api/v1/sqllab/execute/",
        headers={"X-CSRFToken": csrf, "Referer": url},
        data={"database_id": database_id, "sql": sql, "schema": "marts", "runAsync": False,
              "client_id": f"t{abs(hash(sql)) % 10**9}"},
    )
    body = response.json()
    return response.status, body.get("data", body.get("errors"))
