"""Clustering links into customers, the constraints that keep two people apart, and persistent customer
ids (customer360.identity.clustering, components, constraints, ids)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pytest

from customer360.identity import clustering, constraints
from customer360.identity.ids import customer_id_for

T0 = dt.datetime(2024, 1, 1)


def _records(rows, **columns):
    """rows: (record_key, is_identifiable, days after T0 or None); columns: extra record columns."""
    table = pa.table(
        {
            "record_key": [r[0] for r in rows],
            "is_identifiable": [r[1] for r in rows],
            "first_seen_at": pa.array(
                [None if r[2] is None else T0 + dt.timedelta(days=r[2]) for r in rows], pa.timestamp("us")
            ),
        }
    )
    for name, values in columns.items():
        table = table.append_column(name, pa.array(values))
    return table


def _links(pairs, weights=None):
    table = pa.table({"record_key_a": [a for a, _ in pairs], "record_key_b": [b for _, b in pairs]})
    if weights is not None:
        table = table.append_column("match_weight", pa.array(weights, pa.float64()))
    return table


def _assign(records, deterministic=None, model=None, previous=None, apart=None, rules=tuple(constraints.RULES)):
    customers, refused = clustering.assign_customers(records, deterministic, model, previous, apart, rules)
    return customers, refused


def _groups(table):
    out = {}
    for key, cid in zip(table.column("record_key").to_pylist(), table.column("customer_id").to_pylist()):
        out.setdefault(cid, set()).add(key)
    return sorted(sorted(g) for g in out.values())


def _ids(table):
    return dict(zip(table.column("record_key").to_pylist(), table.column("customer_id").to_pylist()))


# -- components ---------------------------------------------------------------------------------------


def test_deterministic_links_are_followed_transitively():
    records = _records([(k, True, i) for i, k in enumerate("abcde")])
    out, _ = _assign(records, _links([("a", "b"), ("b", "c"), ("d", "e")]))
    assert _groups(out) == [["a", "b", "c"], ["d", "e"]]


def test_records_the_deterministic_links_join_share_a_number_unless_a_must_not_link_may_split_them():
    """The scoring leaves out a pair of two records of one number (DECISIONS §78): it must be a pair the
    clustering joins whatever the model says — through records outside the model input too — and never
    one a steward's must_not_link may part."""
    keys = pa.array(["a", "b", "c", "d", "e", "f", "g"])
    links = _links([("a", "x"), ("x", "b"), ("c", "d"), ("f", "g")])  # x: a record that is not in the model input
    joined = clustering.joined_before_scoring(keys, links)
    number = dict(zip(keys.to_pylist(), joined.tolist()))
    assert number["a"] == number["b"] and number["c"] == number["d"] and number["f"] == number["g"]
    assert len({number["a"], number["c"], number["e"], number["f"]}) == 4

    corrections = pa.table({"record_key_a": ["y", "a"], "record_key_b": ["d", "e"],
                            "correction_type": ["must_not_link", "must_link"]})
    split = dict(zip(keys.to_pylist(), clustering.joined_before_scoring(keys, links, corrections).tolist()))
    assert split["c"] != split["d"]  # a must_not_link names d: its component may be split, each record alone
    assert split["a"] == split["b"] and split["f"] == split["g"]  # a must_link changes nothing here
    assert len(set(split.values())) == 5
    assert clustering.joined_before_scoring(keys, None).tolist() == list(range(7))


def test_links_to_unknown_records_are_ignored():
    out, _ = _assign(_records([("a", True, 1)]), _links([("a", "quarantined")]))
    assert _groups(out) == [["a"]]


def test_duplicate_record_keys_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        _assign(_records([("a", True, 1), ("a", True, 2)]))


def test_a_pair_scored_apart_keeps_a_shared_record_from_chaining_two_people():
    # m (a family mailbox typed alone) links to the mother (0.9) and to the son (0.8); the mother and the
    # son were scored as two people: the weaker link is refused
    records = _records([("mother", True, 1), ("son", True, 2), ("m", True, 3)])
    model = _links([("m", "mother"), ("m", "son")], [5.0, 3.0])
    apart = _links([("mother", "son")])
    out, refused = _assign(records, model=model, apart=apart)
    assert _groups(out) == [["m", "mother"], ["son"]]
    assert refused.to_pylist() == [{
        "record_key_a": "m", "record_key_b": "son", "refusal_rule": constraints.CANNOT_LINK_RULE,
        "refusal_reason": constraints.CANNOT_LINK_REASON,
    }]
    # without the pair scored apart, both links are followed
    out, refused = _assign(records, model=model)
    assert _groups(out) == [["m", "mother", "son"]] and refused.num_rows == 0


def test_one_pair_scored_apart_does_not_veto_what_every_other_pair_says():
    # five records of one person; a sixth (her email typed wrong, a nickname) links to four of them and
    # was scored apart from the fifth: the scored pairs between the two sides add up to a match
    records = _records([(k, True, i) for i, k in enumerate(["a", "b", "c", "d", "e", "odd"])])
    deterministic = _links([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    model = _links([("odd", "a"), ("odd", "b"), ("odd", "c"), ("odd", "d")], [6.0, 6.0, 5.0, 5.0])
    apart = _links([("odd", "e")], [-14.0])
    out, refused = _assign(records, deterministic, model=model, apart=apart)
    assert _groups(out) == [["a", "b", "c", "d", "e", "odd"]] and refused.num_rows == 0
    # the same record scored apart from two of them weighs against the join: refused
    apart = _links([("odd", "e"), ("odd", "d")], [-14.0, -14.0])
    model = _links([("odd", "a"), ("odd", "b"), ("odd", "c")], [6.0, 6.0, 5.0])
    out, refused = _assign(records, deterministic, model=model, apart=apart)
    assert _groups(out) == [["a", "b", "c", "d", "e"], ["odd"]]
    assert set(refused.column("refusal_rule").to_pylist()) == {constraints.CANNOT_LINK_RULE}


def test_a_family_mailbox_does_not_chain_a_household_even_with_weighed_pairs():
    # m links strongly to both; the mother's and the son's records score apart pair by pair
    records = _records([(k, True, i) for i, k in enumerate(["mother1", "mother2", "son1", "son2", "m"])])
    deterministic = _links([("mother1", "mother2"), ("son1", "son2")])
    model = _links([("m", "mother1"), ("m", "son1")], [9.0, 8.0])
    apart = _links([("mother1", "son1"), ("mother1", "son2"), ("mother2", "son1"), ("mother2", "son2")],
                   [-14.0, -14.0, -14.0, -14.0])
    out, _ = _assign(records, deterministic, model=model, apart=apart)
    assert _groups(out) == [["m", "mother1", "mother2"], ["son1", "son2"]]


def test_model_links_are_taken_strongest_first_whatever_the_input_order():
    records = _records([("a", True, 1), ("b", True, 2), ("c", True, 3)])
    apart = _links([("a", "c")])
    for pairs, weights in ((["b", "a"], [1.0, 9.0]), (["a", "b"], [9.0, 1.0])):
        model = _links([("c", "b"), ("a", "b")] if pairs[0] == "b" else [("a", "b"), ("c", "b")],
                       weights)
        out, _ = _assign(records, model=model, apart=apart)
        assert _groups(out) == [["a", "b"], ["c"]]


def test_deterministic_links_are_not_checked_against_constraints():
    records = _records([("a", True, 1), ("b", True, 2)], national_id=["111111111", "999999999"])
    out, _ = _assign(records, deterministic=_links([("a", "b")]))
    assert _groups(out) == [["a", "b"]]


# -- constraints ----------------------------------------------------------------------------------------


def test_different_national_ids_prove_two_people_when_the_rule_is_active():
    records = _records([("a", True, 1), ("b", True, 2)], national_id=["123456789", "987654321"])
    model = _links([("a", "b")], [20.0])
    out, refused = _assign(records, model=model, rules=("national_id",))
    assert _groups(out) == [["a"], ["b"]] and refused.column("refusal_rule").to_pylist() == ["national_id"]
    out, _ = _assign(records, model=model, rules=())  # the data does not support it as proof
    assert _groups(out) == [["a", "b"]]


def test_a_national_id_one_keystroke_apart_is_no_proof():
    records = _records([("a", True, 1), ("b", True, 2)], national_id=["123456789", "123456798"])
    out, _ = _assign(records, model=_links([("a", "b")], [20.0]), rules=("national_id",))
    assert _groups(out) == [["a", "b"]]


@pytest.mark.parametrize(
    "dates, names, rule",
    [
        # different birth dates and first names are evidence the model has weighed, not proof (DECISIONS §49):
        # a link the model made is followed
        (["1970-01-10", "1971-03-02"], ["mary", "mark"], None),
        (["1970-01-10", "1971-03-02"], ["mary", "mary"], None),  # same name: a typo'd date
        (["1970-01-10", "1970-10-01"], ["mary", "mark"], None),  # day and month swapped
        (["1970-01-10", "1970-01-11"], ["mary", "mark"], None),  # one keystroke
        (["1950-01-10", "1980-03-02"], ["john", "john"], "generation"),  # a father and his son
        (["1950-01-10", "1980-03-02"], ["john", "mark"], "generation"),
        (["1950-01-10", "1950-01-11"], ["john", "john"], None),  # one keystroke, not a generation
    ],
)
def test_birth_dates_refuse_a_link_only_a_generation_apart(dates, names, rule):
    records = _records([("a", True, 1), ("b", True, 2)],
                       birth_date=[dt.date.fromisoformat(d) for d in dates], first_name=names,
                       first_name_keys=[[n] for n in names], is_known_first_name=[True, True])
    out, refused = _assign(records, model=_links([("a", "b")], [12.0]))
    assert refused.column("refusal_rule").to_pylist() == ([rule] if rule else [])
    assert len(_groups(out)) == (2 if rule else 1)


def test_the_retired_first_name_rule_is_gone():
    assert set(constraints.RULES) == {"national_id", "generation"}
    assert not hasattr(constraints, "names_fit")


def test_one_edit_is_damerau_levenshtein_at_most_one():
    assert constraints.one_edit("abc", "abc")
    assert constraints.one_edit("abc", "acb")  # swap
    assert constraints.one_edit("abc", "abd")  # substitution
    assert constraints.one_edit("abc", "abcd") and constraints.one_edit("abcd", "abc")
    assert not constraints.one_edit("abc", "cab")
    assert not constraints.one_edit("abc", "abcde")


def _splink(m_else: dict[str, float]):
    return {"comparisons": [
        {"output_column_name": name, "comparison_levels": [
            {"sql_condition": "x", "m_probability": 1 - m}, {"sql_condition": "ELSE", "m_probability": m}]}
        for name, m in m_else.items()
    ]}


def test_a_rule_is_proof_only_where_the_model_finds_the_disagreement_almost_never():
    assert constraints.active_rules(_splink({"national_id": 0.001, "birth_date": 0.002, "first_name": 0.02})) == {
        "national_id", "generation"}
    assert constraints.active_rules(_splink({"national_id": 0.001, "birth_date": 0.05, "first_name": 0.01})) == {
        "national_id"}
    # a register whose duplicates replace birth dates at random: birth dates are evidence, not proof
    assert constraints.active_rules(_splink({"national_id": 0.04, "birth_date": 0.06, "first_name": 0.2})) == set()
    assert constraints.active_rules(None) == set()


# -- ids ----------------------------------------------------------------------------------------------------


def test_customer_id_format_and_derivation():
    cid = customer_id_for("crm:contacts:003A")
    assert re.fullmatch(r"C[0-9a-f]{16}", cid)
    assert cid == customer_id_for("crm:contacts:003A") != customer_id_for("crm:contacts:003B")


def test_anchor_is_the_earliest_identifiable_record():
    records = _records([("web:sessions:s1", False, 0), ("crm:leads:l1", True, 5), ("crm:contacts:c1", True, 3),
                        ("orders:orders:o1", True, None)])
    links = _links([("web:sessions:s1", "crm:leads:l1"), ("crm:leads:l1", "crm:contacts:c1"),
                    ("crm:contacts:c1", "orders:orders:o1")])
    out, _ = _assign(records, links)
    assert set(out.column("anchor_record_key").to_pylist()) == {"crm:contacts:c1"}
    assert set(out.column("customer_id").to_pylist()) == {customer_id_for("crm:contacts:c1")}
    assert out.column("cluster_record_count").to_pylist() == [4, 4, 4, 4]


def test_components_without_an_identifiable_record_are_anonymous():
    records = _records([("web:sessions:s1", False, 0), ("web:sessions:s2", False, 1), ("crm:leads:l1", True, 2)])
    out, _ = _assign(records, _links([("web:sessions:s1", "web:sessions:s2")]))
    rows = {r["record_key"]: r for r in out.to_pylist()}
    assert rows["web:sessions:s1"]["is_anonymous"] and rows["web:sessions:s1"]["customer_id"] is None
    assert not rows["crm:leads:l1"]["is_anonymous"]
    assert rows["crm:leads:l1"]["customer_id"] == customer_id_for("crm:leads:l1")


def test_same_data_in_any_order_gives_the_same_ids():
    rows = [(f"r{i}", True, i % 5) for i in range(12)]
    pairs = [("r0", "r1"), ("r1", "r2"), ("r5", "r6"), ("r9", "r11")]
    a, _ = _assign(_records(rows), _links(pairs))
    b, _ = _assign(_records(rows[::-1]), _links(pairs[::-1]))
    assert a.to_pylist() == b.to_pylist()


def test_previous_ids_are_carried_when_an_older_record_joins():
    rows = [("a1", True, 5), ("a2", True, 6)]
    before, _ = _assign(_records(rows), _links([("a1", "a2")]))
    grown = rows + [("a0", True, 1)]
    fresh, _ = _assign(_records(grown), _links([("a1", "a2"), ("a0", "a1")]))
    assert set(_ids(fresh).values()) == {customer_id_for("a0")}
    carried, _ = _assign(_records(grown), _links([("a1", "a2"), ("a0", "a1")]), previous=before)
    assert set(_ids(carried).values()) == {_ids(before)["a1"]}
    assert all(carried.column("is_customer_id_carried").to_pylist())


def test_previous_ids_merge_like_a_rebuild_and_split_to_the_larger_part():
    rows = [("a1", True, 1), ("b1", True, 5), ("b2", True, 6), ("b3", True, 7)]
    before, _ = _assign(_records(rows), _links([("b1", "b2"), ("b2", "b3")]))
    links = _links([("b1", "b2"), ("b2", "b3"), ("a1", "b1")])
    merged, _ = _assign(_records(rows), links, previous=before)
    rebuilt, _ = _assign(_records(rows), links)
    assert _ids(merged) == _ids(rebuilt)
    split, _ = _assign(_records(rows), _links([("b1", "b2")]), previous=before)
    ids = _ids(split)
    assert ids["b1"] == ids["b2"] == _ids(before)["b1"]
    assert ids["b3"] == customer_id_for("b3") and len(set(ids.values())) == 3


def test_a_carried_id_is_never_given_twice():
    rows = [("a1", True, 1), ("a2", True, 2)]
    previous = pa.table({"record_key": ["a1", "a2"], "customer_id": [customer_id_for("a2")] * 2})
    out, _ = _assign(_records(rows), previous=previous)
    assert len(set(_ids(out).values())) == 2


def test_scored_pairs_with_their_decisions_cluster_as_the_link_and_apart_tables_do():
    """The build hands every scored pair with its ``pair_decision`` (``scored=``); the tables of links and
    of pairs scored apart must give the same customers and refusals: pairs one customer already holds, a
    pair naming a record not in the build, a decision that is neither, links refused by the sum."""
    keys = ["a", "b", "c", "d", "e", "odd", "x", "y"]
    records = _records([(k, True, i) for i, k in enumerate(keys)], national_id=[None] * 6 + ["111111111", "222222222"])
    deterministic = _links([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    rows = [  # (a, b, weight, decision)
        ("odd", "a", 6.0, "link"), ("odd", "b", 6.0, "link"), ("odd", "c", 5.0, "link"),
        ("odd", "e", -14.0, "apart"), ("odd", "d", -14.0, "apart"),
        ("a", "c", 9.0, "link"), ("b", "e", -3.0, "apart"),  # already one customer by the deterministic links
        ("x", "y", 20.0, "link"),  # refused: two national ids
        ("x", "gone", 12.0, "link"), ("y", "gone", -9.0, "apart"),  # a record not in this build
        ("x", "c", 1.0, None),  # no decision: neither a link nor a pair scored apart
    ]
    scored = pa.table({
        "record_key_a": [r[0] for r in rows], "record_key_b": [r[1] for r in rows],
        "match_weight": pa.array([r[2] for r in rows], pa.float64()),
        "pair_decision": pa.array([r[3] for r in rows], pa.string()),
    })

    def chosen(decision):
        picked = [r for r in rows if r[3] == decision]
        return _links([(r[0], r[1]) for r in picked], [r[2] for r in picked])

    rules = ("national_id",)
    by_tables = clustering.assign_customers(records, deterministic, chosen("link"), None, chosen("apart"), rules)
    by_scored = clustering.assign_customers(records, deterministic, None, None, None, rules, scored=scored)
    assert _groups(by_scored[0]) == _groups(by_tables[0]) == [["a", "b", "c", "d", "e"], ["odd"], ["x"], ["y"]]
    assert by_scored[0].equals(by_tables[0]) and by_scored[1].equals(by_tables[1])
    assert sorted(by_scored[1].column("refusal_rule").to_pylist()) == sorted(
        [constraints.CANNOT_LINK_RULE] * 3 + ["national_id"]
    )


def test_scored_pairs_as_record_positions_cluster_as_by_record_key():
    """The build has the engine turn every scored pair's record keys into record positions
    (``positioned_sql``); run here by DuckDB, in shuffled order, the customers and refusals must be those of
    the pairs by key. A pair naming a record not in the build and one with no decision are left out."""
    import duckdb

    keys = ["a", "b", "c", "d", "e", "odd", "x", "y"]
    records = _records([(k, True, i) for i, k in enumerate(keys)], national_id=[None] * 6 + ["111111111", "222222222"])
    deterministic = _links([("a", "b"), ("c", "d")])
    rows = [
        ("odd", "a", 6.0, "link"), ("odd", "b", 6.0, "link"), ("odd", "c", 5.0, "link"), ("a", "c", 2.0, "link"),
        ("odd", "e", -14.0, "apart"), ("odd", "d", -14.0, "apart"), ("b", "e", -3.0, "apart"),
        ("x", "y", 20.0, "link"), ("x", "gone", 12.0, "link"), ("y", "gone", -9.0, "apart"), ("x", "c", 1.0, None),
    ]
    scored = pa.table({
        "record_key_a": [r[0] for r in rows], "record_key_b": [r[1] for r in rows],
        "match_weight": pa.array([r[2] for r in rows], pa.float64()),
        "pair_decision": pa.array([r[3] for r in rows], pa.string()),
    })
    rules = ("national_id",)
    by_key = clustering.assign_customers(records, deterministic, None, None, None, rules, scored=scored)
    con = duckdb.connect()
    con.register("recs", records.take([3, 7, 0, 5, 1, 6, 2, 4]))  # any order: the SQL numbers them
    con.register("pairs", scored.take(list(range(len(rows)))[::-1]))
    records_sql, pairs_sql = clustering.positioned_sql("recs", "pairs")
    positioned_records, positioned_pairs = con.sql(records_sql).to_arrow_table(), con.sql(pairs_sql).to_arrow_table()
    assert positioned_pairs.num_rows == 8 and set(positioned_pairs.column_names) == set(clustering.POSITIONED_PAIR_COLUMNS)
    by_position = clustering.assign_customers(
        positioned_records, deterministic, None, None, None, rules, scored=positioned_pairs
    )
    assert by_position[0].equals(by_key[0])
    assert sorted(map(tuple, by_position[1].to_pylist())) == sorted(map(tuple, by_key[1].to_pylist()))
    assert _groups(by_position[0]) != [[k] for k in keys]  # something was joined


def test_record_positions_that_do_not_follow_the_key_order_are_refused():
    """Positions from an engine whose string order differs from Arrow's would join the wrong records."""
    records = _records([("a", True, 1), ("b", True, 2)]).append_column("record_position", pa.array([1, 0], pa.int32()))
    scored = pa.table({"record_position_a": pa.array([0], pa.int32()), "record_position_b": pa.array([1], pa.int32()),
                       "match_weight": [5.0], "is_link": [True]})
    with pytest.raises(ValueError, match="record positions must follow"):
        clustering.assign_customers(records, None, None, scored=scored)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cannot_links_no_chain_of_links_reaches_are_dropped_without_changing_customers(seed, monkeypatch):
    """``components.cluster`` keeps only the cannot-links inside one component of the whole link graph;
    on random graphs (links, cannot-links, national ids) the customers and refusals are those of keeping
    every cannot-link."""
    import random

    from customer360.identity import components

    rng = random.Random(seed)
    n = 300
    keys = [f"r{i:04d}" for i in range(n)]
    records = _records(
        [(k, True, i) for i, k in enumerate(keys)],
        national_id=[rng.choice([None, None, None, "111111111", "222222222"]) for _ in keys],
    )
    deterministic = _links([(keys[i], keys[i + 1]) for i in range(0, n - 1, 7)])
    rows = []
    for _ in range(900):
        i, j = rng.sample(range(n), 2)
        near = abs(i - j) < 12
        weight = rng.uniform(-2, 12) if near else rng.uniform(-15, 3)
        rows.append((keys[min(i, j)], keys[max(i, j)], round(weight, 3), "link" if weight > 4 else "apart"))
    rows = list({(a, b): (a, b, w, d) for a, b, w, d in rows}.values())
    scored = pa.table({
        "record_key_a": [r[0] for r in rows], "record_key_b": [r[1] for r in rows],
        "match_weight": pa.array([r[2] for r in rows], pa.float64()),
        "pair_decision": [r[3] for r in rows],
    })
    rules = ("national_id",)
    pruned = clustering.assign_customers(records, deterministic, None, None, None, rules, scored=scored)
    monkeypatch.setattr(components, "_reachable", lambda n, root, a, b: np.zeros(n, dtype=np.int64))
    kept = clustering.assign_customers(records, deterministic, None, None, None, rules, scored=scored)
    assert pruned[0].equals(kept[0]) and pruned[1].equals(kept[1])
    assert 1 < len(_groups(pruned[0])) < n and pruned[1].num_rows > 0  # joins and refusals both happened
