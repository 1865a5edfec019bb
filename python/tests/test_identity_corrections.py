"""Steward corrections in the clustering (customer360.identity.components.Steward, clustering): a
must_link merges, a must_not_link splits, and a correction wins over a deterministic rule, another
correction's must_link and the model; customer ids stay stable through a split."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from customer360.identity import clustering, components, constraints
from customer360.identity.ids import customer_id_for

T0 = dt.datetime(2024, 1, 1)


def _records(rows):
    """rows: (record_key, days after T0)."""
    return pa.table({
        "record_key": [r[0] for r in rows],
        "is_identifiable": [True] * len(rows),
        "first_seen_at": pa.array([T0 + dt.timedelta(days=r[1]) for r in rows], pa.timestamp("us")),
    })


def _links(pairs, weights=None):
    table = pa.table({"record_key_a": [a for a, _ in pairs], "record_key_b": [b for _, b in pairs]})
    if weights is not None:
        table = table.append_column("match_weight", pa.array(weights, pa.float64()))
    return table


def _corrections(rows):
    """rows: (correction_type, record_key_a, record_key_b)."""
    return pa.table({
        "correction_type": [r[0] for r in rows],
        "record_key_a": [r[1] for r in rows],
        "record_key_b": [r[2] for r in rows],
    })


def _assign(records, deterministic=None, model=None, previous=None, corrections=None, apart=None):
    return clustering.assign_customers(
        records, deterministic, model, previous, apart, tuple(constraints.RULES), corrections
    )


def _ids(table):
    return dict(zip(table.column("record_key").to_pylist(), table.column("customer_id").to_pylist()))


def test_must_link_merges_two_customers_nothing_else_links():
    rows = [("a1", 1), ("a2", 2), ("b1", 5)]
    before, _ = _assign(_records(rows), _links([("a1", "a2")]))
    assert len(set(_ids(before).values())) == 2
    merged, _ = _assign(_records(rows), _links([("a1", "a2")]), previous=before,
                        corrections=_corrections([("must_link", "b1", "a2")]))
    ids = _ids(merged)
    # the customer seen first keeps its id; the other id is retired
    assert set(ids.values()) == {_ids(before)["a1"]} == {customer_id_for("a1")}


def test_must_not_link_splits_a_wrong_merge_and_the_larger_side_keeps_the_id():
    # a1 (the anchor, seen first) was chained to b1..b3 by a shared-email rule on a1-b1
    rows = [("a1", 1), ("b1", 5), ("b2", 6), ("b3", 7)]
    links = _links([("a1", "b1"), ("b1", "b2"), ("b2", "b3")])
    before, _ = _assign(_records(rows), links)
    old = customer_id_for("a1")
    assert set(_ids(before).values()) == {old}
    split, _ = _assign(_records(rows), links, previous=before,
                       corrections=_corrections([("must_not_link", "a1", "b1")]))
    ids = _ids(split)
    assert ids["b1"] == ids["b2"] == ids["b3"] == old, "the larger side keeps the id"
    # the smaller side gets a new id (its own derived id is taken, so the anchor key with a counter)
    assert ids["a1"] == customer_id_for("a1#2")
    # stable: the next build with the same corrections changes nothing
    again, _ = _assign(_records(rows), links, previous=split,
                       corrections=_corrections([("must_not_link", "a1", "b1")]))
    assert _ids(again) == ids


def test_must_not_link_wins_over_a_deterministic_rule_and_reports_the_override():
    n = 3
    steward = components.Steward(must_not_link=(np.array([0]), np.array([1])))
    labels, _ = components.cluster(
        n, (np.array([0, 1]), np.array([1, 2])), (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)),
        [None] * n, steward=steward,
    )
    assert labels[0] != labels[1], "the steward's must_not_link wins over the deterministic rule"
    assert labels[1] == labels[2], "the other deterministic link still holds"
    assert steward.overridden == [("deterministic", 0)], "the conflict is reported"


def test_must_not_link_wins_over_a_must_link_and_refuses_model_links():
    rows = [("a", 1), ("b", 2), ("c", 3)]
    corrections = _corrections([("must_link", "a", "b"), ("must_not_link", "b", "a")])
    customers, refused = _assign(
        _records(rows), model=_links([("a", "c"), ("b", "c")], [20.0, 10.0]), corrections=corrections
    )
    ids = _ids(customers)
    assert ids["a"] != ids["b"]
    # the stronger model link joins a and c; b-c would join the two people the steward keeps apart
    assert ids["a"] == ids["c"]
    assert refused.to_pylist() == [{
        "record_key_a": "b", "record_key_b": "c",
        "refusal_rule": components.STEWARD_RULE, "refusal_reason": clustering.STEWARD_REASON,
    }]


def test_a_must_link_wins_over_a_model_constraint():
    # different national ids prove two people to the model's clustering; a steward's must_link still joins
    rows = [("a", 1), ("b", 2)]
    records = _records(rows).append_column("national_id", pa.array(["US:111111111", "US:999999999"]))
    apart, _ = _assign(records, model=_links([("a", "b")], [15.0]))
    assert len(set(_ids(apart).values())) == 2
    joined, _ = _assign(records, corrections=_corrections([("must_link", "a", "b")]))
    assert len(set(_ids(joined).values())) == 1


def test_corrections_naming_records_not_in_the_build_change_nothing():
    rows = [("a", 1), ("b", 2)]
    plain, _ = _assign(_records(rows), _links([("a", "b")]))
    corrected, _ = _assign(_records(rows), _links([("a", "b")]),
                           corrections=_corrections([("must_not_link", "a", "zz"), ("must_link", "b", "yy")]))
    assert corrected.to_pylist() == plain.to_pylist()


def test_a_must_not_link_is_not_weighed_against_the_models_evidence():
    # odd links strongly to four records of one person and was scored apart from none of them: the model
    # alone (weighed rule, DECISIONS §37) joins it; the steward's must_not_link keeps it out all the same
    records = _records([(k, i) for i, k in enumerate(["a", "b", "c", "d", "odd"])])
    deterministic = _links([("a", "b"), ("b", "c"), ("c", "d")])
    model = _links([("odd", "a"), ("odd", "b"), ("odd", "c"), ("odd", "d")], [9.0, 9.0, 9.0, 9.0])
    apart = _links([("odd", "d")], [-1.0])  # summed weights +35: the model's evidence says one person
    alone, refused = _assign(records, deterministic, model, apart=apart)
    assert len(set(_ids(alone).values())) == 1 and refused.num_rows == 0
    corrected, refused = _assign(records, deterministic, model, apart=apart,
                                 corrections=_corrections([("must_not_link", "odd", "c")]))
    ids = _ids(corrected)
    assert ids["odd"] != ids["a"] and ids["a"] == ids["b"] == ids["c"] == ids["d"]
    assert refused.num_rows == 4
    assert set(refused.column("refusal_rule").to_pylist()) == {components.STEWARD_RULE}


def test_a_must_link_joins_what_the_model_scored_apart_pair_after_pair():
    # every scored pair between the two sides says two people (summed weights -42): the model keeps them
    # apart; the steward's must_link joins them, and the weighed rule does not undo it
    records = _records([(k, i) for i, k in enumerate(["a1", "a2", "b1", "b2"])])
    deterministic = _links([("a1", "a2"), ("b1", "b2")])
    model = _links([("a2", "b1")], [2.0])
    apart = _links([("a1", "b1"), ("a1", "b2"), ("a2", "b2")], [-14.0, -14.0, -16.0])
    alone, refused = _assign(records, deterministic, model, apart=apart)
    assert len(set(_ids(alone).values())) == 2 and refused.num_rows == 1
    joined, refused = _assign(records, deterministic, model, apart=apart,
                              corrections=_corrections([("must_link", "a1", "b2")]))
    assert len(set(_ids(joined).values())) == 1 and refused.num_rows == 0
