"""The static dbt docs in a real browser, offline: a mart's page shows its description and lineage graph.

Opens `target/static_index.html` (`dbt docs generate --static`; path from CUSTOMER360_DOCS_HTML) as a
file:// URL with every other request aborted, so it proves the docs work without a network.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from browser_support import assert_not_blank, launch, require_chromium, screenshot_path

pytestmark = pytest.mark.browser

DOCS_HTML = Path(os.environ.get("CUSTOMER360_DOCS_HTML", "target/static_index.html"))
MODEL = "model.customer360.customer_360"
TIMEOUT_MS = 60_000


def _expected_description_start() -> str:
    """The first plain words of the model's description, from manifest.json beside the docs if present."""
    manifest = DOCS_HTML.parent / "manifest.json"
    if manifest.exists():
        description = json.loads(manifest.read_text())["nodes"][MODEL]["description"]
        plain = re.split(r"[`*_\[\]()<>{}|#]", " ".join(description.split()))[0]
        return " ".join(plain.split()[:8])
    return "One row per customer"


def test_static_docs_show_a_mart_and_its_lineage_offline():
    require_chromium()
    if not DOCS_HTML.exists():
        pytest.skip(f"no static docs at {DOCS_HTML}: run `dbt docs generate --static` (make build) "
                    "or set CUSTOMER360_DOCS_HTML")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    expected_text = _expected_description_start()
    blocked: list[str] = []

    def only_local_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", only_local_files)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{DOCS_HTML.resolve().as_uri()}#!/model/{MODEL}", wait_until="domcontentloaded")

            name = MODEL.rsplit(".", 1)[-1]
            expect(page.locator("div[ui-view].app-body")).to_contain_text(f"{name} table")
            description = page.locator(".model-markdown").first
            expect(description).to_contain_text(expected_text)

            page.locator('a[title="View Lineage Graph"]').click()
            graph = page.locator(".launcher-embed")
            expect(graph.locator("canvas").first).to_be_attached()
            page.wait_for_function(
                """() => {
                    const wrapper = document.getElementById('graph-viz-wrapper');
                    const scope = wrapper && window.angular && angular.element(wrapper).scope();
                    const elements = scope && scope.graph && scope.graph.elements;
                    return elements && elements.filter(e => e.data && e.data.source === undefined).length > 1;
                }""",
                timeout=TIMEOUT_MS,
            )
            node_ids = page.evaluate(
                """() => angular.element(document.getElementById('graph-viz-wrapper')).scope().graph.elements
                    .filter(e => e.data && e.data.source === undefined)
                    .map(e => e.data.unique_id || e.data.id)"""
            )
            assert MODEL in node_ids, node_ids
            assert any(node.startswith("model.") and node != MODEL for node in node_ids), node_ids
            page.wait_for_timeout(1500)  # let cytoscape finish its layout before the picture
            shot = screenshot_path("docs_lineage.png")
            graph.screenshot(path=str(shot))
            assert_not_blank(shot, min_colours=8)
            page.screenshot(path=str(screenshot_path("docs_model.png")))
            assert not errors, errors
        finally:
            browser.close()
    # a static docs page must not need the network; record what it tried (fonts, telemetry) if anything
    assert all(not url.startswith(("http://localhost", "http://127.0.0.1")) for url in blocked), blocked
