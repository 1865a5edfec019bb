"""Model input preparation, the link guard and explanations, and scoring with the committed model."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from customer360.identity import matching, settings
from customer360.identity.prepare import prepare_records, to_arrow_table

RECORD_COLUMNS = {
    "record_key": pa.string(), "record_kind": pa.string(), "first_name": pa.string(),
    "first_name_canonical": pa.string(), "first_name_keys": pa.list_(pa.string()), "is_known_first_name": pa.bool_(),
    "middle_initial": pa.string(), "last_name": pa.string(), "email_key": pa.string(), "phone_e164": pa.string(),
    "address_line_1": pa.string(), "postal_code": pa.string(), "birth_date": pa.date32(),
}


def _records(rows):
    """int_identity__records rows: a person record by default, its first-name keys its own names."""
    cols = {c: [] for c in RECORD_COLUMNS}
    for row in rows:
        row = {"record_kind": "person_fields", "is_known_first_name": True, **row}
        if row.get("first_name") is not None:
            canonical = row.get("first_name_canonical") or row["first_name"]
            row.setdefault("first_name_keys", sorted({row["first_name"], canonical}))
        for c in RECORD_COLUMNS:
            cols[c].append(row.get(c))
    return pa.table({c: pa.array(v, RECORD_COLUMNS[c]) for c, v in cols.items()})


def test_prepare_records_builds_the_model_input():
    records = _records(
        [
            {"record_key": "b", "first_name": "zorblax", "first_name_canonical": "zorblax", "last_name": "q",
             "is_known_first_name": False},
            {"record_key": "a", "first_name": "ted", "first_name_canonical": "edward", "last_name": "smith",
             "first_name_keys": ["edward", "ted", "theodore"], "email_key": "ted@example.com"},
            {"record_key": "c", "first_name": None, "last_name": "smith", "email_key": "x@example.com"},
            {"record_key": "d", "record_kind": "reference_only"},
        ]
    )
    out = prepare_records(records).to_pylist()
    # a record without a first name is left to the deterministic rules; sorted by record key
    assert [r["unique_id"] for r in out] == ["a", "b"]
    assert out[0]["first_name_keys"] == ["edward", "ted", "theodore"]
    assert out[0]["first_name_is_known"] is True
    assert out[1]["first_name_is_known"] is False
    assert out[0]["email_key"] == "ted@example.com"
    assert set(settings.MATCH_COLUMNS) <= set(out[0])


def test_to_arrow_table_reads_readers_and_relations():
    import duckdb

    table = pa.table({"x": [1, 2]})
    assert to_arrow_table(table) is table
    assert to_arrow_table(table.to_reader()).equals(table)
    assert to_arrow_table(duckdb.sql("select 1 as x")).column("x").to_pylist() == [1]
    with pytest.raises(TypeError):
        to_arrow_table([1, 2])


def _scored(rows):
    """A minimal Splink prediction table: gamma and weight columns per comparison."""
    names = [c["output_column_name"] for c in settings.comparisons()]
    cols = {"match_weight": [], "match_probability": [], "unique_id_l": [], "unique_id_r": [], "match_key": []}
    for n in names:
        cols[f"gamma_{n}"] = []
        cols[f"mw_{n}"] = []
    for i, gammas in enumerate(rows):
        cols["match_weight"].append(10.0)
        cols["match_probability"].append(0.999)
        cols["unique_id_l"].append(f"z{i}")
        cols["unique_id_r"].append(f"a{i}")
        cols["match_key"].append("0")
        for n in names:
            cols[f"gamma_{n}"].append(gammas.get(n, -1))
            cols[f"mw_{n}"].append(1.0)
    return pa.table(cols)


def _gamma(comparison, label):
    labels = matching.level_labels({"comparisons": settings.comparisons()})[comparison]
    return next(g for g, lv in labels.items() if lv == label)


def test_explain_orders_keys_labels_levels_and_applies_the_guard():
    model = {"comparisons": settings.comparisons()}
    same_first = _gamma("first_name", settings.SAME_FIRST_NAME_LABEL)
    other_first = _gamma("first_name", "All other comparisons")
    nickname = _gamma("first_name", "one a nickname of the other")
    same_last = _gamma("last_name", "same last name")
    swapped = _gamma("last_name", "first and last name swapped")
    same_phone = _gamma("phone_e164", "same phone")
    same_street = _gamma("address", settings.SAME_STREET_LABEL)
    rows = [
        {"first_name": same_first, "last_name": same_last, "phone_e164": same_phone},  # kept, identifier
        {"first_name": other_first, "last_name": same_last, "phone_e164": same_phone},  # household: vetoed
        {"first_name": other_first, "last_name": swapped},  # swapped names: kept, name only
        {"first_name": nickname, "last_name": same_last, "address": same_street},  # Andy at the address: name only
        {"first_name": nickname, "last_name": same_last, "phone_e164": same_phone},  # nickname + phone: kept
        {"first_name": same_first, "last_name": same_last, "address": same_street},  # same name, same street
    ]
    out = matching.explain(_scored(rows), model).to_pylist()
    kept = {r["record_key_b"]: r for r in out}
    assert set(kept) == {"z0", "z2", "z3", "z4", "z5"}
    assert all(r["record_key_a"] < r["record_key_b"] for r in out)
    assert kept["z0"]["is_name_only"] is False
    assert kept["z2"]["is_name_only"] is True
    assert kept["z3"]["is_name_only"] is True and kept["z3"]["is_name_and_street_only"] is False
    assert kept["z4"]["is_name_only"] is False
    assert kept["z5"]["is_name_only"] is False and kept["z5"]["is_name_and_street_only"] is True
    assert kept["z0"]["blocking_rule"] == settings.blocking_rule_names()[0]
    assert kept["z0"]["comparison_levels"].startswith(f"first_name: {settings.SAME_FIRST_NAME_LABEL} (1.0)")
    assert kept["z0"]["first_name_gamma"] == same_first
    unguarded = matching.explain(_scored(rows), model, guard=None)
    assert unguarded.num_rows == len(rows)


def test_predict_with_the_committed_model_links_the_obvious_pairs():
    day = dt.date(1980, 5, 17)
    rows = []
    for i in range(40):  # background population with distinct names
        rows.append({"record_key": f"bg:{i:03d}", "first_name": f"name{i}", "first_name_canonical": f"name{i}",
                     "last_name": f"family{i}", "email_key": f"p{i}@example.com",
                     "phone_e164": f"+1555000{i:04d}", "postal_code": f"{10000 + i}"})
    rows += [
        {"record_key": "crm:contacts:1", "first_name": "william", "first_name_canonical": "william",
         "last_name": "brooks", "email_key": "wbrooks@example.com", "phone_e164": "+14155550100",
         "address_line_1": "557 GREENWOOD RD", "postal_code": "94134", "birth_date": day},
        {"record_key": "orders:orders:1", "first_name": "bill", "first_name_canonical": "william",
         "last_name": "brooks", "email_key": "wbrooks@example.com", "phone_e164": "+14155550100",
         "address_line_1": "557 GREENWOOD RD", "postal_code": "94134"},
        {"record_key": "orders:orders:2", "first_name": "julie", "first_name_canonical": "julie",
         "last_name": "brooks", "phone_e164": "+14155550100", "address_line_1": "557 GREENWOOD RD",
         "postal_code": "94134"},
    ]
    records = prepare_records(_records(rows))
    links = matching.predict(records, matching.load_model(), threshold=0.95).to_pylist()
    pairs = {(r["record_key_a"], r["record_key_b"]) for r in links}
    assert ("crm:contacts:1", "orders:orders:1") in pairs
    # Julie shares the household's phone and address with William, never his first name
    assert not any("orders:orders:2" in p for p in pairs)
    counts = matching.count_blocked_pairs(records)
    assert [c["blocking_rule"] for c in counts] == settings.blocking_rule_names()
    assert counts[-1]["pairs_cumulative"] == sum(c["pairs_marginal"] for c in counts)
