"""Stability comparison of two crosswalks (customer_id persistence) on a hand-made case."""

import duckdb

from customer360.evaluate.stability import Stability, changed_examples, compare, compare_sql, prefix_identical


def tables(con):
    con.execute("""create temp table xw_a as select * from (values
        ('r1', 'A1'), ('r2', 'A1'), ('r3', 'A2'), ('r4', 'A3'), ('r5', 'A4'), ('r6', 'A4'),
        ('r8', 'A6'), ('r9', 'A7'), ('r10', 'A7')
    ) as t(record_key, customer_id)""")
    con.execute("""create temp table xw_b as select * from (values
        ('r1', 'A1'), ('r2', 'A1'),             -- unchanged and kept
        ('r3', 'B9'),                           -- same records, new id: not kept
        ('r4', 'A3'), ('r7', 'A3'),             -- a new record of the same person joined
        ('r5', 'A4'), ('r6', 'A5'),             -- split although nothing changed
        ('r8', 'A7'), ('r9', 'A7'), ('r10', 'A7')  -- A6 joins the rest of its person: a split repaired
    ) as t(record_key, customer_id)""")
    con.execute("""create temp table truth as select * from (values
        ('r1', 'P1'), ('r2', 'P1'), ('r3', 'P2'), ('r4', 'P3'), ('r7', 'P3'), ('r5', 'P4'), ('r6', 'P4'),
        ('r8', 'P5'), ('r9', 'P5'), ('r10', 'P5')
    ) as t(record_key, person_id)""")


def test_compare_counts():
    con = duckdb.connect()
    tables(con)
    s = Stability(*compare_sql(con))
    assert s.customers_a == 6
    assert (s.unchanged_customers, s.unchanged_kept) == (5, 2)  # A1, A2, A4, A6, A7 untouched; A1, A7 kept
    # A6 joined A7, the rest of its person; A2's new id (same records) and A4's split are not repairs
    assert s.unchanged_repaired == 1
    assert (s.identical_customers, s.identical_kept) == (2, 1)  # A1 and A2 have identical record sets
    assert (s.records_a, s.records_kept, s.records_missing, s.new_records) == (9, 6, 0, 1)
    assert s.unchanged_share == 2 / 5
    assert changed_examples(con) == [("r3", "A2", "B9"), ("r6", "A4", "A5"), ("r8", "A6", "A7")]


def test_compare_reads_two_build_files(tmp_path):
    dbs = []
    for name, rows in (("a", "('r1', 'C1'), ('r2', 'C1')"), ("b", "('r1', 'C1'), ('r2', 'C1'), ('r3', 'C2')")):
        db = tmp_path / f"{name}.duckdb"
        con = duckdb.connect(str(db))
        con.execute("create schema intermediate")
        con.execute(f"create table intermediate.int_identity__crosswalk as select * from (values {rows}) "
                    "as t(record_key, customer_id)")
        con.close()
        dbs.append(db)
    s = compare(dbs[0], dbs[1], None)
    assert (s.unchanged_customers, s.unchanged_kept, s.new_records) == (1, 1, 1)
    assert s.unchanged_share == 1.0


def test_prefix_identical(tmp_path):
    for d in ("A/raw/crm", "B/raw/crm"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "A/raw/crm/contacts.csv").write_text("id\n1\n")
    (tmp_path / "B/raw/crm/contacts.csv").write_text("id\n1\n2\n")
    (tmp_path / "A/raw/crm/leads.csv").write_text("id\n1\n")
    (tmp_path / "B/raw/crm/leads.csv").write_text("id\n9\n1\n")
    assert prefix_identical(tmp_path / "A/raw", tmp_path / "B/raw") == (1, 2)


def test_generate_runs_the_generator_as_a_process(tmp_path):
    """The data step of ``make stability`` runs the generator (a name clash once made it call the CLI's
    ``run(namespace)`` with a command list and crash)."""
    from customer360.evaluate import stability

    out = tmp_path / "set_a"
    stability.generate(out, customers=5, seed=3, as_of="2026-01-01")
    assert (out / "raw" / "_manifest.json").exists()
