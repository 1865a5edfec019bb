"""Identity evaluation: metric formulas on tiny hand-made clusterings with known answers."""

import csv
import dataclasses
import itertools
import random

import duckdb
import pytest

from customer360.evaluate import (
    contingency,
    evaluate,
    main,
    score_clusters,
    score_sources,
    write_rows,
)


def scores(predicted, truth):
    return score_clusters(contingency(predicted, truth))


def brute_force(predicted, truth):
    """Pairwise and B-cubed by enumerating pairs and records (the definition)."""
    idx = range(len(predicted))
    pred_pairs = {(i, j) for i, j in itertools.combinations(idx, 2) if predicted[i] == predicted[j]}
    true_pairs = {(i, j) for i, j in itertools.combinations(idx, 2) if truth[i] == truth[j]}
    hit = len(pred_pairs & true_pairs)
    p = hit / len(pred_pairs) if pred_pairs else 1.0
    r = hit / len(true_pairs) if true_pairs else 1.0
    bp = br = 0.0
    for i in idx:
        same_p = {j for j in idx if predicted[j] == predicted[i]}
        same_t = {j for j in idx if truth[j] == truth[i]}
        bp += len(same_p & same_t) / len(same_p)
        br += len(same_p & same_t) / len(same_t)
    return p, r, bp / len(predicted), br / len(predicted)


def test_identical_clusterings_score_one():
    s = scores([1, 1, 2, 3, 3, 3], ["a", "a", "b", "c", "c", "c"])
    assert (s.pairwise_precision, s.pairwise_recall, s.pairwise_f1) == (1.0, 1.0, 1.0)
    assert (s.bcubed_precision, s.bcubed_recall, s.bcubed_f1) == (1.0, 1.0, 1.0)
    assert (s.records, s.predicted_clusters, s.truth_clusters) == (6, 3, 3)
    assert (s.true_pairs, s.predicted_pairs, s.truth_pairs) == (4, 4, 4)


def test_all_singletons_predicted():
    # no link made: precision is 1 by convention, recall 0; B-cubed recall counts the singleton truth
    s = scores([1, 2, 3], ["a", "a", "b"])
    assert s.predicted_pairs == 0 and s.truth_pairs == 1
    assert (s.pairwise_precision, s.pairwise_recall, s.pairwise_f1) == (1.0, 0.0, 0.0)
    assert s.bcubed_precision == 1.0
    assert s.bcubed_recall == pytest.approx((0.5 + 0.5 + 1) / 3)


def test_all_singletons_on_both_sides_is_perfect():
    s = scores([1, 2, 3], ["a", "b", "c"])
    assert (s.pairwise_precision, s.pairwise_recall, s.pairwise_f1) == (1.0, 1.0, 1.0)
    assert s.bcubed_f1 == 1.0


def test_one_big_cluster():
    s = scores([0, 0, 0, 0], ["a", "a", "b", "b"])
    assert (s.true_pairs, s.predicted_pairs, s.truth_pairs) == (2, 6, 2)
    assert s.pairwise_precision == pytest.approx(1 / 3)
    assert s.pairwise_recall == 1.0
    assert s.pairwise_f1 == pytest.approx(0.5)
    assert s.bcubed_precision == pytest.approx(0.5)
    assert s.bcubed_recall == 1.0
    assert s.bcubed_f1 == pytest.approx(2 / 3)


def test_one_big_truth_cluster_split_in_two():
    s = scores([1, 1, 2, 2], ["a", "a", "a", "a"])
    assert s.pairwise_precision == 1.0
    assert s.pairwise_recall == pytest.approx(2 / 6)
    assert s.bcubed_recall == pytest.approx(0.5)


def test_mixed_example_known_answer():
    # cells (1,a)=2, (1,b)=1, (2,b)=2: true pairs 2, predicted pairs 4, truth pairs 4
    s = scores([1, 1, 1, 2, 2], ["a", "a", "b", "b", "b"])
    assert (s.pairwise_precision, s.pairwise_recall) == (0.5, 0.5)
    assert s.bcubed_precision == pytest.approx((4 / 3 + 1 / 3 + 4 / 2) / 5)
    assert s.bcubed_recall == pytest.approx((4 / 2 + 1 / 3 + 4 / 3) / 5)


def test_triples_and_counter_give_the_same_scores():
    pred, truth = [1, 1, 1, 2, 2], ["a", "a", "b", "b", "b"]
    cells = contingency(pred, truth)
    triples = [(p, t, n) for (p, t), n in cells.items()]
    assert score_clusters(triples) == score_clusters(cells)


def test_labels_only_need_to_be_consistent_within_a_side():
    # predicted and truth labels may collide in value without meaning anything
    assert scores([1, 1, 2], [2, 2, 1]).pairwise_f1 == 1.0


@pytest.mark.parametrize("seed", range(20))
def test_matches_brute_force_on_random_clusterings(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 30)
    pred = [rng.randint(0, rng.randint(0, 8)) for _ in range(n)]
    truth = [rng.randint(0, rng.randint(0, 8)) for _ in range(n)]
    s = scores(pred, truth)
    p, r, bp, br = brute_force(pred, truth)
    assert s.pairwise_precision == pytest.approx(p)
    assert s.pairwise_recall == pytest.approx(r)
    assert s.bcubed_precision == pytest.approx(bp)
    assert s.bcubed_recall == pytest.approx(br)


def test_empty_input_is_an_error():
    with pytest.raises(ValueError):
        score_clusters([])
    with pytest.raises(ValueError):
        contingency([1], [])


def test_source_scores():
    rows = [
        ("crm", "c1", "p1"),
        ("web", "c1", "p1"),
        ("web", "c2", "p1"),  # missed link
        ("pos", "c3", "p2"),  # singleton in both
        ("pos", "c1", "p3"),  # false link into c1
    ]
    by = {s.source: s for s in score_sources(rows)}
    crm, web, pos = by["crm"], by["web"], by["pos"]
    assert crm.records == 1 and crm.match_rate == 1.0 and crm.expected_match_rate == 1.0
    # crm record: truth links 2 (p1 has 3 records), found 1 (c1∩p1 = 2), predicted links 2 (c1 has 3)
    assert crm.link_recall == pytest.approx(1 / 2)
    assert crm.link_precision == pytest.approx(1 / 2)
    # web: records c1/p1 (found 1 of 2) and c2/p1 (found 0 of 2; predicted 0)
    assert web.link_recall == pytest.approx(1 / 4)
    assert web.link_precision == pytest.approx(1 / 2)
    assert web.match_rate == 0.5 and web.expected_match_rate == 1.0
    # pos: singleton c3/p2 has no links either way; c1/p3 made 2 false links
    assert pos.match_rate == 0.5 and pos.expected_match_rate == 0.0
    assert pos.link_recall == 1.0 and pos.link_precision == 0.0
    assert pos.bcubed_recall == 1.0


def test_source_scores_sum_to_the_overall_bcubed_recall():
    rng = random.Random(7)
    rows = [(rng.choice("abc"), rng.randint(0, 5), rng.randint(0, 5)) for _ in range(40)]
    overall = scores([p for _, p, _ in rows], [t for _, _, t in rows]).bcubed_recall
    per = score_sources(rows)
    assert sum(s.bcubed_recall * s.records for s in per) / len(rows) == pytest.approx(overall)


# ------------------------------------------------------------------------------------------------
# End to end on a tiny build database
# ------------------------------------------------------------------------------------------------


def make_build(tmp_path, with_households=True):
    db = tmp_path / "build.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema intermediate")
    con.execute("""
        create table intermediate.int_identity__crosswalk as
        select * from (values
            ('crm:contacts:1', 'C1', 'deterministic'),
            ('web:registrations:1', 'C1', 'deterministic'),
            ('web:registrations:2', 'C2', 'singleton'),
            ('orders:orders:1', 'C3', 'probabilistic'),
            ('orders:orders:2', 'C3', 'probabilistic'),
            ('contact_center:interactions:9', 'C4', 'singleton')
        ) as t(record_key, customer_id, link_method)
    """)
    if with_households:
        con.execute("""
            create table intermediate.int_identity__households as
            select * from (values ('C1', 'H1'), ('C2', 'H1'), ('C3', 'H2'), ('C4', null))
                as t(customer_id, household_id)
        """)
    con.close()
    truth = tmp_path / "set" / "truth"
    truth.mkdir(parents=True)
    with open(truth / "person_records.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["record_key", "person_id", "household_id"])
        w.writerows([
            ["crm:contacts:1", "P1", "HH1"],
            ["web:registrations:1", "P1", "HH1"],
            ["web:registrations:2", "P1", "HH1"],
            ["orders:orders:1", "P2", "HH1"],
            ["orders:orders:2", "P3", "HH2"],
            ["web:sessions:5", "P3", "HH2"],  # not in the crosswalk: coverage only
        ])
    return db, tmp_path / "set"


def test_evaluate_end_to_end(tmp_path):
    db, truth = make_build(tmp_path)
    ev = evaluate(db, truth)
    p = ev.persons
    # persons: cells (C1,P1)=2, (C2,P1)=1, (C3,P2)=1, (C3,P3)=1, (C4,unknown)=1
    assert p.records == 6
    assert (p.true_pairs, p.predicted_pairs, p.truth_pairs) == (1, 2, 3)
    # households: H1 holds crm1, web1, web2 (all HH1); H2 holds orders 1 (HH1) and 2 (HH2); C4 alone
    h = ev.households
    assert (h.true_pairs, h.predicted_pairs, h.truth_pairs) == (3, 4, 6)
    cov = {s: (t, r, u) for s, t, r, u in ev.coverage}
    assert cov["web:sessions"] == (1, 0, 0)
    assert cov["contact_center:interactions"] == (0, 0, 1)
    sql_sources = {s.source: s for s in ev.sources}
    py_sources = {s.source: s for s in score_sources([
        ("crm:contacts", "C1", "P1"), ("web:registrations", "C1", "P1"), ("web:registrations", "C2", "P1"),
        ("orders:orders", "C3", "P2"), ("orders:orders", "C3", "P3"),
        ("contact_center:interactions", "C4", "u9"),
    ])}
    assert sql_sources.keys() == py_sources.keys()
    for k, sql in sql_sources.items():
        for field in dataclasses.fields(sql):
            want = getattr(py_sources[k], field.name)
            assert getattr(sql, field.name) == (want if isinstance(want, str) else pytest.approx(want))


def test_evaluate_without_households_skips_them(tmp_path):
    db, truth = make_build(tmp_path, with_households=False)
    ev = evaluate(db, truth)
    assert ev.households is None
    assert ev.persons.records == 6


def test_cli_writes_csv_and_opens_the_build_read_only(tmp_path, capsys):
    db, truth = make_build(tmp_path)
    reader = duckdb.connect(str(db), read_only=True)  # another reader may hold the file meanwhile
    out = tmp_path / "out" / "eval.csv"
    assert main(["--db", str(db), "--truth", str(truth), "--out", str(out)]) == 0
    reader.close()
    assert "pairwise" in capsys.readouterr().out
    with open(out) as f:
        rows = list(csv.DictReader(f))
    got = {(r["entity"], r["scope"], r["metric"]): float(r["value"]) for r in rows}
    assert got[("persons", "all", "pairwise_precision")] == 0.5
    assert got[("households", "all", "true_pairs")] == 3
    assert got[("persons", "source:web:sessions", "truth_records")] == 1


def test_parquet_output(tmp_path):
    out = tmp_path / "eval.parquet"
    write_rows([("persons", "all", "pairwise_f1", 0.5)], out)
    assert duckdb.sql(f"select value from '{out}'").fetchone()[0] == 0.5
