"""The lint configuration (.sqlfluff): its Rust parser and Rust rules find what the Python ones find.

``make lint`` runs sqlfluff with ``use_rust_parser`` and ``use_rust_rules`` on (sqlfluffrs, DECISIONS §80).
Both are marked experimental upstream, so this lints SQL written to break our rules with the project's own
rule settings twice, once on the Python code paths and once on the Rust ones, and wants the same findings.
The dbt templater is swapped for the raw one: templating is not what differs between the two paths.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlfluff.core import FluffConfig, Linter

PROJECT = Path(__file__).resolve().parents[2]

# Breaks rules the project keeps (14 findings of 11 rules on the Python paths): keyword and function
# capitals, implicit and unused aliases, a missing space, trailing spaces, a bad indent, select targets on
# one line, an over-long line, an unqualified column in a join, a keyword as a name, ordering by position.
DIRTY_SQL = """with orders as (
    SELECT order_id, customer_id,amount   
    from raw_orders o
),

customers as (
  select customer_id, COALESCE(full_name, 'unknown') name
    from raw_customers
)

select
    orders.order_id,
    customers.name,
    amount,
    'a literal long enough to push this line well past the one hundred and twenty characters that the project allows' as note_text
from orders
left outer join customers on orders.customer_id = customers.customer_id
order by 1
"""


def _project_config(rust: bool) -> FluffConfig:
    text = (PROJECT / ".sqlfluff").read_text()
    assert "\nuse_rust_parser = True\n" in text and "\nuse_rust_rules = True\n" in text, (
        ".sqlfluff no longer asks for the Rust parser and rules: drop this test with DECISIONS §80"
    )
    text = text.replace("templater = dbt", "templater = raw")
    config = FluffConfig.from_string(text, overrides={"use_rust_parser": rust, "use_rust_rules": rust})
    assert config.get("use_rust_rules") is rust and config.get("max_line_length") == 120
    return config


def _findings(rust: bool) -> set[tuple[int, int, str]]:
    result = Linter(config=_project_config(rust)).lint_string(DIRTY_SQL)
    return {(v.line_no, v.line_pos, v.rule_code()) for v in result.get_violations()}


def test_the_rust_parser_and_rules_find_what_the_python_ones_find(caplog):
    python_findings = _findings(rust=False)
    with caplog.at_level(logging.INFO, logger="sqlfluff.linter"):
        rust_findings = _findings(rust=True)
    assert "Using Rust parser" in caplog.text, "sqlfluff parsed in Python: is sqlfluffrs (requirements.txt) installed?"
    codes = {code for _, _, code in python_findings}
    wanted = {"CP01", "CP03", "AL01", "AL02", "AL05", "LT01", "LT02", "LT05", "LT09", "RF02", "AM06"}
    assert wanted <= codes, sorted(codes)
    assert rust_findings == python_findings
