"""Clustering links into customers and persistent customer ids (customer360.identity.clustering)."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest

from customer360.identity import clustering

T0 = dt.datetime(2024, 1, 1)


def _records(rows):
    """rows: (record_key, is_identifiable, days after T0 or None, phone or None)."""
    return pa.table(
        {
            "record_key": [r[0] for r in rows],
            "is_identifiable": [r[1] for r in rows],
            "first_seen_at": pa.array(
                [None if r[2] is None else T0 + dt.timedelta(days=r[2]) for r in rows], pa.timestamp("us")
            ),
            "phone_e164": [r[3] if len(r) > 3 else None for r in rows],
        }
    )


def _links(pairs, weak=None):
    return pa.table(
        {
            "record_key_a": [a for a, _ in pairs],
            "record_key_b": [b for _, b in pairs],
            "is_name_only": weak if weak is not None else [False] * len(pairs),
        }
    )


def _groups(table):
    out = {}
    for key, cid in zip(table.column("record_key").to_pylist(), table.column("customer_id").to_pylist()):
        out.setdefault(cid, set()).add(key)
    return sorted(sorted(g) for g in out.values())


def test_connected_components_follow_strong_links_transitively():
    labels = clustering.component_labels(["a", "b", "c", "d"], ["a", "b"], ["b", "c"])
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_links_to_unknown_records_are_ignored():
    labels = clustering.component_labels(["a", "b"], ["a", "x"], ["zzz", "b"])
    assert labels[0] != labels[1]


def test_duplicate_record_keys_are_rejected():
    with pytest.raises(ValueError):
        clustering.component_labels(["a", "a"], [], [])


def test_weak_link_attaches_a_fragment_that_matches_one_customer():
    keys = ["p1", "p2", "p3", "receipt"]
    labels = clustering.component_labels(
        keys, ["p1", "p2", "receipt"], ["p2", "p3", "p1"], is_weak=[False, False, True]
    )
    assert len(set(labels)) == 1


def test_weak_links_to_two_customers_attach_nothing():
    # a receipt "Jessica Morales" that matches two different Jessica Morales stays apart
    keys = ["j1a", "j1b", "j2a", "j2b", "receipt"]
    labels = clustering.component_labels(
        keys,
        ["j1a", "j2a", "receipt", "receipt"],
        ["j1b", "j2b", "j1a", "j2a"],
        is_weak=[False, False, True, True],
    )
    assert labels[0] == labels[1] and labels[2] == labels[3]
    assert len(set(labels)) == 3


def test_weak_link_never_attaches_the_larger_customer():
    keys = ["a1", "a2", "a3", "b1", "b2"]
    labels = clustering.component_labels(
        keys, ["a1", "a2", "b1", "b1"], ["a2", "a3", "b2", "a1"], is_weak=[False, False, False, True]
    )
    # b (2 records) attaches to a (3 records): a sees only b, but a is the larger one
    assert len(set(labels)) == 1
    labels = clustering.component_labels(
        keys + ["c1", "c2", "c3"],
        ["a1", "a2", "b1", "c1", "c2", "b1", "b1"],
        ["a2", "a3", "b2", "c2", "c3", "a1", "c1"],
        is_weak=[False, False, False, False, False, True, True],
    )
    # b matches a and c by name only: ambiguous, nothing attached
    assert len(set(labels)) == 3


def test_weak_link_does_not_join_customers_with_conflicting_phones():
    keys = ["a1", "a2", "b1"]
    identifiers = [{"phone_e164": "+1"}, {"phone_e164": None}, {"phone_e164": "+2"}]
    labels = clustering.component_labels(
        keys, ["a1", "a2"], ["a2", "b1"], is_weak=[False, True], identifiers=identifiers
    )
    assert labels[0] == labels[1] != labels[2]
    identifiers[2] = {"phone_e164": "+1"}
    labels = clustering.component_labels(
        keys, ["a1", "a2"], ["a2", "b1"], is_weak=[False, True], identifiers=identifiers
    )
    assert len(set(labels)) == 1


def test_equal_size_fragments_attach_only_when_they_see_each_other_alone():
    labels = clustering.component_labels(["x", "y"], ["x"], ["y"], is_weak=[True])
    assert labels[0] == labels[1]
    labels = clustering.component_labels(["x", "y", "z"], ["x", "x"], ["y", "z"], is_weak=[True, True])
    assert len(set(labels)) == 3


def test_customer_id_format_and_derivation():
    cid = clustering.customer_id_for("crm:contacts:003A")
    assert re.fullmatch(r"C[0-9a-f]{16}", cid)
    assert cid == clustering.customer_id_for("crm:contacts:003A")
    assert cid != clustering.customer_id_for("crm:contacts:003B")


def test_anchor_is_the_earliest_identifiable_record():
    records = _records(
        [
            ("web:sessions:s1", False, 0),  # earliest, but a session identifies nobody
            ("crm:leads:l1", True, 5),
            ("crm:contacts:c1", True, 3),
            ("orders:orders:o1", True, None),
        ]
    )
    links = _links([("web:sessions:s1", "crm:leads:l1"), ("crm:leads:l1", "crm:contacts:c1"),
                    ("crm:contacts:c1", "orders:orders:o1")])
    out = clustering.assign_customers(records, links)
    assert set(out.column("anchor_record_key").to_pylist()) == {"crm:contacts:c1"}
    assert set(out.column("customer_id").to_pylist()) == {clustering.customer_id_for("crm:contacts:c1")}
    assert out.column("cluster_record_count").to_pylist() == [4, 4, 4, 4]


def test_ties_on_first_seen_are_broken_by_record_key():
    records = _records([("b", True, 1), ("a", True, 1)])
    out = clustering.assign_customers(records, _links([("a", "b")]))
    assert set(out.column("anchor_record_key").to_pylist()) == {"a"}


def test_components_without_an_identifiable_record_are_anonymous():
    records = _records([("web:sessions:s1", False, 0), ("web:sessions:s2", False, 1), ("crm:leads:l1", True, 2)])
    out = clustering.assign_customers(records, _links([("web:sessions:s1", "web:sessions:s2")]))
    rows = {r["record_key"]: r for r in out.to_pylist()}
    assert rows["web:sessions:s1"]["is_anonymous"] and rows["web:sessions:s1"]["customer_id"] is None
    assert rows["web:sessions:s2"]["anchor_record_key"] is None
    assert not rows["crm:leads:l1"]["is_anonymous"]
    assert rows["crm:leads:l1"]["customer_id"] == clustering.customer_id_for("crm:leads:l1")


def test_same_data_in_any_order_gives_the_same_ids():
    rows = [(f"r{i}", True, i % 5) for i in range(12)]
    pairs = [("r0", "r1"), ("r1", "r2"), ("r5", "r6"), ("r9", "r11")]
    a = clustering.assign_customers(_records(rows), _links(pairs))
    b = clustering.assign_customers(_records(rows[::-1]), _links(pairs[::-1]))
    assert a.to_pylist() == b.to_pylist()


def test_adding_records_keeps_the_ids_of_unchanged_and_growing_customers():
    base_rows = [("a1", True, 1), ("a2", True, 2), ("b1", True, 3), ("c1", True, 4)]
    base = clustering.assign_customers(_records(base_rows), _links([("a1", "a2")]))
    ids = dict(zip(base.column("record_key").to_pylist(), base.column("customer_id").to_pylist()))
    more_rows = base_rows + [("a3", True, 10), ("d1", True, 11)]
    more = clustering.assign_customers(_records(more_rows), _links([("a1", "a2"), ("a2", "a3")]))
    new_ids = dict(zip(more.column("record_key").to_pylist(), more.column("customer_id").to_pylist()))
    for key in ids:
        assert new_ids[key] == ids[key]
    assert new_ids["a3"] == ids["a1"]


def test_when_customers_merge_the_one_seen_first_keeps_its_id():
    rows = [("a1", True, 1), ("b1", True, 5), ("b2", True, 6)]
    before = clustering.assign_customers(_records(rows), _links([("b1", "b2")]))
    ids = dict(zip(before.column("record_key").to_pylist(), before.column("customer_id").to_pylist()))
    after = clustering.assign_customers(_records(rows), _links([("b1", "b2"), ("a1", "b2")]))
    assert set(after.column("customer_id").to_pylist()) == {ids["a1"]}


def test_cluster_records_accepts_link_tables_with_and_without_weak_flags():
    records = _records([("a", True, 1), ("b", True, 2), ("c", True, 3), ("d", True, 4)]).append_column(
        "extra", pa.array([1, 2, 3, 4])
    )
    deterministic = pa.table({"record_key_a": ["a"], "record_key_b": ["b"], "link_rule": ["same_national_id"]})
    probabilistic = pa.table({"record_key_a": ["c"], "record_key_b": ["d"], "is_name_only": [True]})
    out = clustering.cluster_records(records, deterministic, probabilistic)
    assert _groups(out) == [["a", "b"], ["c", "d"]]
    assert clustering.cluster_records(records).num_rows == 4


def _ids(table):
    return dict(zip(table.column("record_key").to_pylist(), table.column("customer_id").to_pylist()))


def test_previous_ids_are_carried_when_an_older_record_joins():
    rows = [("a1", True, 5), ("a2", True, 6)]
    before = clustering.assign_customers(_records(rows), _links([("a1", "a2")]))
    old_id = _ids(before)["a1"]
    grown = rows + [("a0", True, 1)]  # older than the anchor a1
    fresh = clustering.assign_customers(_records(grown), _links([("a1", "a2"), ("a0", "a1")]))
    assert set(_ids(fresh).values()) == {clustering.customer_id_for("a0")}  # content-derived
    carried = clustering.assign_customers(
        _records(grown), _links([("a1", "a2"), ("a0", "a1")]), previous=before.select(["record_key", "customer_id"])
    )
    assert set(_ids(carried).values()) == {old_id}
    assert all(carried.column("is_customer_id_carried").to_pylist())


def test_previous_ids_merge_like_a_rebuild_and_split_to_the_larger_part():
    rows = [("a1", True, 1), ("b1", True, 5), ("b2", True, 6), ("b3", True, 7)]
    before = clustering.assign_customers(_records(rows), _links([("b1", "b2"), ("b2", "b3")]))
    prev = before.select(["record_key", "customer_id"])
    merged = clustering.assign_customers(_records(rows), _links([("b1", "b2"), ("b2", "b3"), ("a1", "b1")]), prev)
    rebuilt = clustering.assign_customers(_records(rows), _links([("b1", "b2"), ("b2", "b3"), ("a1", "b1")]))
    assert _ids(merged) == _ids(rebuilt)
    # split b3 off: the larger part (b1, b2) keeps b's id, b3 gets its own derived id
    split = clustering.assign_customers(_records(rows), _links([("b1", "b2")]), prev)
    ids = _ids(split)
    assert ids["b1"] == ids["b2"] == _ids(before)["b1"]
    assert ids["b3"] == clustering.customer_id_for("b3")
    assert len(set(ids.values())) == 3


def test_a_carried_id_is_never_given_twice():
    rows = [("a1", True, 1), ("a2", True, 2)]
    prev = pa.table({"record_key": ["a1", "a2"], "customer_id": [clustering.customer_id_for("a2")] * 2})
    out = clustering.assign_customers(_records(rows), _links([]), prev)
    ids = _ids(out)
    assert len(set(ids.values())) == 2


def _named_records(rows):
    """rows: (record_key, first name, last name, email key, phone)."""
    return pa.table(
        {
            "record_key": [r[0] for r in rows],
            "is_identifiable": [True] * len(rows),
            "first_seen_at": pa.array([T0 + dt.timedelta(days=i) for i in range(len(rows))], pa.timestamp("us")),
            "phone_e164": [r[4] for r in rows],
            "first_name": [r[1] for r in rows],
            "last_name": [r[2] for r in rows],
            "email_key": [r[3] for r in rows],
        }
    )


def test_nameless_component_joins_the_one_customer_holding_its_email():
    records = _named_records([
        ("contact", "ines", "haybrook", "ih@x.com", "+1555"),
        ("call", "ins", "haybrook", None, "+1555"),
        ("registration", None, None, "ih@x.com", None),
        ("session", None, None, None, None),
    ])
    out = clustering.cluster_records(records, _links([("contact", "call"), ("registration", "session")]))
    assert _groups(out) == [["call", "contact", "registration", "session"]]
    rule = dict(zip(out.column("record_key").to_pylist(), out.column("attachment_rule").to_pylist()))
    to = dict(zip(out.column("record_key").to_pylist(), out.column("attached_to_record_key").to_pylist()))
    assert rule["registration"] == clustering.NAMELESS_ATTACHMENT_RULE and to["registration"] == "contact"
    assert rule["session"] is None and rule["contact"] is None


def test_nameless_component_with_a_household_email_stays_apart():
    records = _named_records([
        ("donna", "donna", "lane", "thelanes@x.com", None),
        ("mark", "mark", "lane", "thelanes@x.com", None),
        ("registration", None, None, "thelanes@x.com", None),
    ])
    out = clustering.cluster_records(records)
    assert _groups(out) == [["donna"], ["mark"], ["registration"]]
    assert out.column("attachment_rule").null_count == 3


def test_nameless_component_needs_its_last_name_among_the_customers_names():
    records = _named_records([
        ("contact", "kelly", "whitgrove", "kw@x.com", None),
        ("swapped", None, "kelly", "kw@x.com", None),
        ("other", None, "smith", "kw@x.com", None),
    ])
    out = clustering.cluster_records(records)
    assert _groups(out) == [["contact", "swapped"], ["other"]]


def test_email_typo_pairs_are_one_edit_in_one_domain_with_the_same_digits():
    owned = ["karenjones68@gmail.com", "laurablackbury@gmail.com", "jsmith1@x.com", "karenjones68@yahoo.com"]
    queries = [
        "ksrenjones68@gmail.com",  # substitution
        "lauurablackbury@gmail.com",  # insertion
        "akrenjones68@gmail.com",  # two neighbours swapped
        "jsmith2@x.com",  # another digit: another mailbox
        "karenjones68@aol.com",  # another domain
        "krnjones68@gmail.com",  # two edits
        "kw@x.com",  # too short to tell
    ]
    found = clustering.email_typo_pairs(queries, owned + ["kx@x.com"])
    assert found == {
        "ksrenjones68@gmail.com": {"karenjones68@gmail.com"},
        "lauurablackbury@gmail.com": {"laurablackbury@gmail.com"},
        "akrenjones68@gmail.com": {"karenjones68@gmail.com"},
    }
    assert clustering.email_typo_pairs([], owned) == {}


def test_nameless_component_joins_the_one_customer_holding_its_email_up_to_a_typo():
    records = _named_records([
        ("lead", "karen", "jones", "karenjones68@gmail.com", None),
        ("registration", "karen", None, "ksrenjones68@gmail.com", None),
        ("session", None, None, None, None),
        ("sale", None, None, "williaams5@aol.com", None),  # a typo of two customers' emails
        ("william", "william", "seland", "williams5@aol.com", None),
        ("bill", "bill", "seland", "villiaams5@aol.com", None),
    ])
    out = clustering.cluster_records(records, _links([("registration", "session")]))
    assert _groups(out) == [["bill"], ["lead", "registration", "session"], ["sale"], ["william"]]
    rule = dict(zip(out.column("record_key").to_pylist(), out.column("attachment_rule").to_pylist()))
    to = dict(zip(out.column("record_key").to_pylist(), out.column("attached_to_record_key").to_pylist()))
    assert rule["registration"] == clustering.NAMELESS_EMAIL_TYPO_RULE and to["registration"] == "lead"


def test_an_email_held_exactly_is_never_second_guessed_by_a_typo():
    # the registration's own email is a household mailbox (two customers): no fallback to the typo
    records = _named_records([
        ("donna", "donna", "lane", "thelanes@x.com", None),
        ("mark", "mark", "lane", "thelanes@x.com", None),
        ("dana", "dana", "lane", "thelanez@x.com", None),
        ("registration", None, None, "thelanes@x.com", None),
    ])
    assert _groups(clustering.cluster_records(records)) == [["dana"], ["donna"], ["mark"], ["registration"]]


def test_nameless_component_with_a_conflicting_phone_stays_apart():
    records = _named_records([
        ("contact", "ann", "lee", "al@x.com", "+1555"),
        ("registration", None, None, "al@x.com", "+1999"),
    ])
    assert _groups(clustering.cluster_records(records)) == [["contact"], ["registration"]]


def _profile_records(rows):
    """rows: dicts with record_key and any of the profile columns (missing ones are null)."""
    columns = {
        "first_name": pa.string(),
        "last_name": pa.string(),
        "email_key": pa.string(),
        "phone_e164": pa.string(),
        "address_line_1": pa.string(),
        "postal_code": pa.string(),
        "birth_date": pa.date32(),
        "national_id": pa.string(),
    }
    table = {
        "record_key": [r["record_key"] for r in rows],
        "is_identifiable": [True] * len(rows),
        "first_seen_at": pa.array([T0 + dt.timedelta(days=i) for i in range(len(rows))], pa.timestamp("us")),
        "first_name_keys": pa.array(
            [r.get("first_name_keys", [r["first_name"]] if r.get("first_name") else None) for r in rows],
            pa.list_(pa.string()),
        ),
    }
    for name, kind in columns.items():
        table[name] = pa.array([r.get(name) for r in rows], kind)
    return pa.table(table)


def _rules(out):
    return dict(zip(out.column("record_key").to_pylist(), out.column("attachment_rule").to_pylist()))


def test_a_typo_named_customer_joins_the_one_customer_its_name_fits():
    records = _profile_records([
        {"record_key": "order", "first_name": "kevin", "last_name": "vasquez", "email_key": "kv@x.com",
         "postal_code": "85043", "phone_e164": "+1602"},
        {"record_key": "billing", "first_name": "kevin", "last_name": "vasquez", "email_key": "kv@x.com"},
        {"record_key": "call", "first_name": "kevun", "last_name": "vasquez", "postal_code": "85043"},
    ])
    out = clustering.cluster_records(records, _links([("order", "billing")]))
    assert _groups(out) == [["billing", "call", "order"]]
    assert _rules(out)["call"] == clustering.PROFILE_ATTACHMENT_RULE


def test_a_name_two_customers_fit_stays_apart_unless_one_shares_a_zip():
    base = [
        {"record_key": "a1", "first_name": "mary", "last_name": "johnson", "email_key": "mj1@x.com", "postal_code": "30300"},
        {"record_key": "a2", "first_name": "mary", "last_name": "johnson", "email_key": "mj1@x.com"},
        {"record_key": "b1", "first_name": "mary", "last_name": "johnson", "email_key": "mj2@x.com", "postal_code": "10001"},
        {"record_key": "b2", "first_name": "mary", "last_name": "johnson", "email_key": "mj2@x.com"},
    ]
    links = _links([("a1", "a2"), ("b1", "b2")])
    bare = clustering.cluster_records(_profile_records(base + [{"record_key": "sale", "first_name": "mary",
                                                                  "last_name": "johnson"}]), links)
    assert ["sale"] in _groups(bare)
    located = clustering.cluster_records(_profile_records(base + [{"record_key": "call", "first_name": "mary",
                                                                     "last_name": "johnson", "postal_code": "10001"}]), links)
    assert ["b1", "b2", "call"] in _groups(located)


def test_receipts_of_one_name_do_not_keep_each_other_from_the_larger_customer():
    customer = [
        {"record_key": "c1", "first_name": "mary", "last_name": "johnson", "email_key": "mj1@x.com", "postal_code": "30300"},
        {"record_key": "c2", "first_name": "mary", "last_name": "johnson", "email_key": "mj1@x.com"},
    ]
    receipts = [{"record_key": f"sale{i}", "first_name": "mary", "last_name": "johnson"} for i in (1, 2)]
    out = clustering.cluster_records(_profile_records(customer + receipts), _links([("c1", "c2")]))
    assert _groups(out) == [["c1", "c2", "sale1", "sale2"]]
    assert _rules(out)["sale1"] == _rules(out)["sale2"] == clustering.PROFILE_ATTACHMENT_RULE
    # with no larger customer, two equal receipts are each other's only candidate and join
    alone = clustering.cluster_records(_profile_records(receipts))
    assert _groups(alone) == [["sale1", "sale2"]]


@pytest.mark.parametrize(
    "extra",
    [
        {"email_key": "other@x.com"},  # a different email
        {"postal_code": "99999"},  # a different ZIP
        {"birth_date": dt.date(1990, 1, 1)},  # a different birth date
        {"address_line_1": "1 MAIN ST", "postal_code": "85043", "phone_e164": "+1999"},  # same street, other phone
    ],
)
def test_a_contradiction_keeps_a_same_named_customer_apart(extra):
    records = _profile_records([
        {"record_key": "order", "first_name": "kevin", "last_name": "vasquez", "email_key": "kv@x.com",
         "address_line_1": "1 MAIN ST", "postal_code": "85043", "phone_e164": "+1602", "birth_date": dt.date(1985, 2, 26)},
        {"record_key": "other", "first_name": "kevin", "last_name": "vasquez", **extra},
    ])
    assert _groups(clustering.cluster_records(records)) == [["order"], ["other"]]


def test_a_swapped_name_fits_its_customer():
    records = _profile_records([
        {"record_key": "contact", "first_name": "hannah", "last_name": "holby", "email_key": "hh@x.com"},
        {"record_key": "send", "first_name": "holby", "last_name": "hannah", "email_key": "hh@x.com"},
    ])
    assert _groups(clustering.cluster_records(records)) == [["contact", "send"]]


def _street_case(child_email, child_phone):
    keys = ["sr_order", "sr_call", "send", "jr_order", "jr_call"]
    identifiers = [
        {"email_key": "dc@x.com", "phone_e164": "+1212250"},
        {"email_key": None, "phone_e164": "+1212250"},
        {"email_key": None, "phone_e164": None},  # a mailing: name and street only
        {"email_key": child_email, "phone_e164": child_phone},
        {"email_key": child_email, "phone_e164": None},
    ]
    # deterministic links within each person; model links from the mailing to both
    left = ["sr_order", "jr_order", "send", "send"]
    right = ["sr_call", "jr_call", "sr_order", "jr_order"]
    labels = clustering.component_labels(
        keys, left, right, [False] * 4, identifiers, [False, False, True, True], [0, 0, 20.0, 19.0]
    )
    groups: dict[int, list[str]] = {}
    for key, label in zip(keys, labels.tolist()):
        groups.setdefault(label, []).append(key)
    return sorted(sorted(g) for g in groups.values())


def test_model_links_never_join_two_people_with_their_own_email_and_phone():
    # a father and a son of one name at one address: the mailing joins the stronger match only
    assert _street_case("dcjr@x.com", "+1212863") == [["jr_call", "jr_order"], ["send", "sr_call", "sr_order"]]


def test_model_links_join_customers_that_do_not_conflict():
    # the other record shows an email of its own but no phone: one person with two emails
    assert _street_case("dc.work@x.com", None) == [["jr_call", "jr_order", "send", "sr_call", "sr_order"]]


def test_cluster_records_checks_model_links_and_follows_deterministic_ones():
    records = _profile_records([
        {"record_key": "andrea", "first_name": "andrea", "last_name": "lewis", "email_key": "al@x.com",
         "phone_e164": "+1410264"},
        {"record_key": "andrew", "first_name": "andrew", "last_name": "lewis", "email_key": "andrew.lewis@y.org",
         "phone_e164": "+1410652"},
        {"record_key": "andy_home", "first_name": "andy", "last_name": "lewis", "phone_e164": "+1410635"},
    ])
    model_links = pa.table({
        "record_key_a": ["andrea", "andrew"], "record_key_b": ["andy_home", "andy_home"],
        "is_name_only": [False, False], "match_weight": [15.0, 14.0],
    })
    assert _groups(clustering.cluster_records(records, model_links)) == [["andrea", "andy_home"], ["andrew"]]
    deterministic = model_links.drop_columns(["match_weight"])
    assert _groups(clustering.cluster_records(records, deterministic)) == [["andrea", "andrew", "andy_home"]]


def test_a_one_name_group_joins_the_customer_holding_its_email_when_the_name_is_theirs():
    records = _named_records([
        ("contact", "emma", "fairby", "ef@x.com", None),
        ("registration", "fairby", None, "ef@x.com", None),  # one display name, typed as the surname
        ("other", "zoe", None, "ef@x.com", None),  # a name the customer does not have
    ])
    out = clustering.cluster_records(records)
    assert _groups(out) == [["contact", "registration"], ["other"]]
    assert dict(zip(out.column("record_key").to_pylist(), out.column("attachment_rule").to_pylist()))[
        "registration"] == clustering.NAMELESS_ATTACHMENT_RULE
