"""customer360.privacy.erasure without dbt: which rows a request erases, the ledger it writes, the hash
it uses (the build's pii_hash), and that a record of another customer that refers to her stays."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from customer360.privacy.erasure import (LEDGER_COLUMNS, append_ledger, key_hash, plan_erasure, purge_history,
                                         redact_artefacts)

ROOT = Path(__file__).resolve().parents[2]
SALT = "a-test-salt-of-enough-length"
HER, HIM = "C00000000000000a1", "C00000000000000b2"


@pytest.fixture
def build(tmp_path):
    """A private database shaped like a build: crosswalk, persons, events, raw tables, snapshot."""
    path = tmp_path / "c360.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""
        create schema intermediate; create schema snapshots;
        create schema raw_billing; create schema raw_orders; create schema raw_crm;
        create schema raw_stewardship;
        create table intermediate.int_identity__crosswalk as select * from (values
            ('billing:customers:cus_A', 'C00000000000000a1'), ('orders:orders:o_1', 'C00000000000000a1'),
            ('orders:orders:o_9', 'C00000000000000b2'), ('crm:contacts:003A', 'C00000000000000a1'),
            ('crm:contacts:003B', 'C00000000000000b2')) as t(record_key, customer_id);
        create table intermediate.int_identity__clusters as
            select record_key, customer_id from intermediate.int_identity__crosswalk;
        create table intermediate.int_conform__persons as select * from (values
            ('billing:customers:cus_A', 'ann@example.com', 'Ann@Example.com', '+16175550100', '6175550100',
             null, 'ann', 'smith', 'billing:customers:cus_A'),
            ('orders:orders:o_1', 'ann@example.com', 'ann@example.com', null, null, null, 'ann', 'smith',
             'billing:customers:cus_A'),
            ('orders:orders:o_9', 'bob@example.com', 'bob@example.com', null, null, null, 'bob', 'jones', null))
            as t(record_key, email, email_as_given, phone_e164, phone_as_given, national_id, first_name,
                 last_name, source_customer_key);
        create table intermediate.int_conform__events as select * from (values
            ('billing:invoices:in_1', 'billing:customers:cus_A'), ('orders:orders:o_1', 'orders:orders:o_1'),
            ('orders:orders:o_9', 'orders:orders:o_9'), ('crm:opportunities:op_1', 'crm:contacts:003A'))
            as t(record_key, person_record_key);
        create table raw_billing.customers as select * from (values ('cus_A')) as t(id);
        create table raw_billing.invoices as select * from (values ('in_1', 'cus_A', 'o_1')) as t(id, customer_id, order_id);
        create table raw_billing.payments as select * from (values ('py_1', 'in_1', 'cus_A')) as t(id, invoice_id, customer_id);
        create table raw_billing.refunds as select * from (values ('re_1', 'py_1')) as t(id, payment_id);
        -- his order was billed to her billing customer (an optional reference): he must stay
        create table raw_orders.orders as select * from (values ('o_1', 'cus_A'), ('o_9', 'cus_A')) as t(id, billing_customer_id);
        create table raw_orders.order_lines as select * from (values ('l_1', 'o_1'), ('l_9', 'o_9')) as t(id, order_id);
        -- her household account (only her rows refer to it) goes with her; the account his contact
        -- belongs to stays, though her opportunity is with it too
        create table raw_crm.accounts as select * from (values ('001H'), ('001S'), ('001N')) as t(id);
        create table raw_crm.contacts as select * from (values ('003A', '001H'), ('003B', '001S')) as t(id, account_id);
        create table raw_crm.opportunities as select * from (values ('op_1', '001S', '003A')) as t(id, account_id, contact_id);
        -- a steward's correction about her record goes with her; one about him and another stays
        create table raw_stewardship.corrections as select * from (values
            ('SC-1', 'must_not_link', 'CRM:contacts:003A', 'C00000000000000b2'),
            ('SC-2', 'must_link', 'orders:orders:o_9', 'crm:contacts:003B')) as t(id, correction_type, key_a, key_b);
        create table snapshots.snp_identity__customer_ids as
            select record_key, customer_id, null::timestamp as dbt_valid_to from intermediate.int_identity__crosswalk;
    """)
    yield con, path
    con.close()


def test_a_customer_is_erased_with_her_rows_and_children_but_not_the_man_who_refers_to_her(build):
    con, _ = build
    plan = plan_erasure(con, ROOT, customer_id=HER)
    assert plan.customer_ids == [HER]
    assert plan.source_rows == {
        "billing:customers:cus_A", "orders:orders:o_1", "billing:invoices:in_1",  # records and events
        "billing:payments:py_1", "billing:refunds:re_1", "orders:order_lines:l_1",  # required references
        "crm:contacts:003A", "crm:opportunities:op_1", "crm:accounts:001H",  # her household account
        "stewardship:corrections:SC-1",  # a correction naming her record
    }
    assert plan.kept_referring_rows == 1  # his order o_9: kept, its billing reference emptied by the build
    assert plan.required_conflicts == 0
    assert "ann@example.com" in plan.values and "ann smith" in plan.values


def test_by_email_only_the_records_with_that_email(build):
    con, _ = build
    plan = plan_erasure(con, ROOT, email=" ANN@example.com ")
    assert plan.record_keys == {"billing:customers:cus_A", "orders:orders:o_1"}
    assert plan.customer_ids == [HER]


def test_an_unknown_customer_is_refused(build):
    con, _ = build
    with pytest.raises(SystemExit, match="not in the crosswalk"):
        plan_erasure(con, ROOT, customer_id="C0000000000000000")


def test_the_ledger_holds_the_builds_hashes_and_nothing_of_hers(build, tmp_path):
    con, _ = build
    plan = plan_erasure(con, ROOT, customer_id=HER)
    ledger = tmp_path / "ledger.csv"
    append_ledger(ledger, SALT, plan, "customer_id", HER)
    append_ledger(ledger, SALT, plan, "customer_id", HER)  # appends, one header
    text = ledger.read_text()
    assert "cus_A" not in text and HER not in text and "ann" not in text.lower()
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == list(LEDGER_COLUMNS) and len(rows) == 2 * (len(plan.source_rows) + 1)
    assert oct(ledger.stat().st_mode & 0o777) == oct(0o600)
    # the same hash as the build's pii_hash macro: sha256(salt || ':' || lower(trim(key)))
    sql = duckdb.sql(f"select sha256('{SALT}' || ':' || lower(trim(' Billing:Customers:cus_A ')))").fetchone()[0]
    assert key_hash(SALT, "billing:customers:cus_A") == sql
    assert any(r["key_hash"] == sql and r["source_table"] == "customers" for r in rows)


def test_history_is_purged_and_artefacts_redacted(build, tmp_path):
    con, _ = build
    plan = plan_erasure(con, ROOT, customer_id=HER)
    purged = purge_history(con, None, plan)
    assert purged == {"snapshots.snp_identity__customer_ids": 3, "intermediate.int_identity__clusters": 3}
    assert con.execute("select distinct customer_id from snapshots.snp_identity__customer_ids").fetchall() == [(HIM,)]
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "dbt.log").write_text("row: Ann@Example.com, +16175550100\nnothing here\n")
    assert redact_artefacts([logs], plan.values) == (1, 1, 2)
    assert (logs / "dbt.log").read_text() == "row: [erased], [erased]\nnothing here\n"
