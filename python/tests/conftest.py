"""pytest configuration shared by python/tests (no pytest section exists in python/pyproject.toml)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives the system Chromium (/usr/bin/chromium) with Playwright; "
        "deselect with -m 'not browser'",
    )
