"""pytest configuration shared by python/tests (no pytest section exists in python/pyproject.toml)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives the system Chromium (/usr/bin/chromium) with Playwright; "
        "deselect with -m 'not browser'",
    )
    config.addinivalue_line(
        "markers",
        "semantic: queries the dbt test build's BI file through MetricFlow (make metrics-test); "
        "deselect with -m 'not semantic'",
    )
    config.addinivalue_line(
        "markers",
        "erasure: builds a 100-customer data set twice with dbt around `customer360 erase` (make erasure-test); "
        "deselect with -m 'not erasure'",
    )
    config.addinivalue_line(
        "markers",
        "spark_erasure: builds 60 customers on DuckDB and on local Spark around `customer360 erase` "
        "(make spark-erasure-test; needs .venv-spark); deselect with -m 'not spark_erasure'",
    )
    config.addinivalue_line(
        "markers",
        "superset: drives Apache Superset (its own venv, make bi-install) in the system Chromium (make bi-test); "
        "deselect with -m 'not superset'",
    )
    config.addinivalue_line(
        "markers",
        "corrections: files steward corrections in a copy of the dbt test build and builds it again "
        "(make corrections-test); deselect with -m 'not corrections'",
    )
