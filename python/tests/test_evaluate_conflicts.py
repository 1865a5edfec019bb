"""Conflict recall against planted pairs (customer360.evaluate.conflicts) on a tiny hand-made case."""

import duckdb

from customer360.evaluate.conflicts import evaluate, load_planted, main, score

PLANTED = [
    ("P1", "policy:policy_events:1", "marketing:sends:11"),
    ("P2", "policy:policy_events:2", "marketing:sends:22"),
    ("P3", "policy:policy_events:3", "marketing:sends:33"),
]

FOUND = [
    ("offer_vs_cancellation_notice", "marketing:sends:11", "policy:policy_events:1", True),
    ("offer_vs_household_policy_notice", "marketing:sends:11", "policy:policy_events:1", True),  # same pair twice
    ("offer_vs_non_renewal_notice", "marketing:sends:22", "policy:policy_events:2", True),
    ("offer_vs_cancellation_notice", "marketing:sends:44", "policy:policy_events:1", False),  # not planted
    ("win_back_vs_active_customer", "marketing:sends:55", "C1:2025-01-01", True),  # not planted
]


def test_score_counts_each_planted_pair_once():
    s = score(FOUND, PLANTED)
    assert (s.planted, s.found) == (3, 2)
    assert abs(s.recall - 2 / 3) < 1e-12
    assert s.found_by_rule == {"offer_vs_cancellation_notice": 1, "offer_vs_household_policy_notice": 1,
                               "offer_vs_non_renewal_notice": 1}
    assert s.missed == [("P3", "policy:policy_events:3", "marketing:sends:33")]
    assert s.unplanted_by_rule == {"offer_vs_cancellation_notice": 1, "win_back_vs_active_customer": 1}
    assert s.unplanted_same_day_by_rule == {"offer_vs_cancellation_notice": 0, "win_back_vs_active_customer": 1}


def test_score_without_planted_pairs_has_full_recall():
    s = score([], [])
    assert s.recall == 1.0 and s.found == 0


def _write_fixture(tmp_path, bi: bool):
    truth = tmp_path / "data" / "truth"
    truth.mkdir(parents=True)
    lines = ['"person_id","policy_event_record_key","marketing_send_record_key"']
    lines += [f'"{p}","{n}","{m}"' for p, n, m in PLANTED]
    (truth / "planted_conflicts.csv").write_text("\n".join(lines) + "\n")
    db = tmp_path / "db.duckdb"
    duckdb.connect(str(db)).close()
    mart_file = tmp_path / "db_bi.duckdb" if bi else db
    con = duckdb.connect(str(mart_file))
    con.execute("create schema marts")
    con.execute("create table marts.fct_communication_conflicts (rule_id varchar, communication_key varchar, "
                "blocking_key varchar, is_same_day boolean)")
    con.executemany("insert into marts.fct_communication_conflicts values (?, ?, ?, ?)", FOUND)
    con.close()
    return db, tmp_path / "data"


def test_evaluate_finds_the_mart_in_the_bi_file(tmp_path):
    db, data = _write_fixture(tmp_path, bi=True)
    assert len(load_planted(data)) == 3
    s = evaluate(db, data)
    assert (s.planted, s.found) == (3, 2)


def test_main_prints_and_writes_csv(tmp_path, capsys):
    db, data = _write_fixture(tmp_path, bi=False)
    out = tmp_path / "eval.csv"
    assert main(["--db", str(db), "--truth", str(data), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "recall 0.6667" in printed
    rows = out.read_text().splitlines()
    assert rows[0] == "metric,rule_id,value"
    assert "recall,,0.6667" in rows
    assert "unplanted_pairs,win_back_vs_active_customer,1" in rows
