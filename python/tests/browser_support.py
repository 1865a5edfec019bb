"""Shared pieces of the browser tests: the system Chromium, a free port, a screenshot check.

Playwright (PyPI) drives the Chromium of the operating system (`/usr/bin/chromium`, Debian package
`chromium`); `playwright install` is never called (no browser downloads). Without it the tests skip
and say which package is missing — or fail, with CUSTOMER360_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CUSTOMER360_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT_DIR = Path(
    os.environ.get("CUSTOMER360_SCREENSHOT_DIR")
    or Path(os.environ.get("DBT_TARGET_PATH") or "target") / "screenshots"
)


def require_chromium() -> Path:
    """The Chromium binary, or a skip naming what to install."""
    if not CHROMIUM.exists():
        message = (
            f"browser tests need the system Chromium at {CHROMIUM}: install the Debian/Ubuntu package "
            "`chromium` (apt-get install -y chromium) or set CUSTOMER360_CHROMIUM"
        )
        if os.environ.get("CUSTOMER360_REQUIRE_BROWSER") == "1":
            pytest.fail(message)  # CI: a missing browser is an error, not a skip
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api", reason="browser tests need the PyPI package playwright")
    return CHROMIUM


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(require_chromium()), args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def screenshot_path(name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR / name


def assert_not_blank(png: Path, min_colours: int = 16, min_ink_share: float = 0.01) -> None:
    """The screenshot shows something: many distinct colours and a share of non-white pixels."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((640, 640))
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        pixels = rgb.width * rgb.height
        ink = sum(count for count, (r, g, b) in colours if min(r, g, b) < 230)
    assert len(colours) >= min_colours, f"{png}: only {len(colours)} colours — blank page?"
    assert ink / pixels >= min_ink_share, f"{png}: {ink / pixels:.2%} non-white pixels — blank page?"
