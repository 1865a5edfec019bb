"""Evaluation matrix pieces that need no build: FEBRL → landing mapping, scoring over every record,
Splink-alone settings, data set names, dbt result summaries."""

import csv
import json
from collections import Counter

import duckdb
import pyarrow as pa
import pytest

from customer360.evaluate import contingency, score_clusters
from customer360.evaluate import baseline, febrl, matrix
from customer360.evaluate.contracts import load_contracts, write_table
from customer360.evaluate.universe import score_universe

# FEBRL's layout: a space after each comma, empty fields, YYYYMMDD birth dates, 7-digit ids
FEBRL_SAMPLE = """rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id
rec-1070-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218
rec-1016-org, courtney, painter, 12, pinkerton circuit, bega flats, richlands, 4560, vic, 19161214, 4066625
rec-4405-org, charles, , 38, salkauskas crescent, kela, dapto, 4566, nsw, , 4365168
"""
FEBRL_SAMPLE_B = """rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id
rec-1070-dup-0, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218
rec-4405-dup-0, charlie, green, 38, salkauskas crescent, kela, dapto, 4566, nsw, 19480930, 4365168
rec-9-org, ann, lee, 1, main road, , perth, 6000, wa, 19700101, 1234567
"""


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


@pytest.fixture()
def febrl4_files():
    return {"dataset4a": febrl.parse_febrl_csv(FEBRL_SAMPLE), "dataset4b": febrl.parse_febrl_csv(FEBRL_SAMPLE_B)}


# --------------------------------------------------------------------------------------------------
# FEBRL → landing files and truth
# --------------------------------------------------------------------------------------------------


def test_parse_febrl_strips_the_space_after_commas_and_keeps_empty_fields():
    rows = febrl.parse_febrl_csv(FEBRL_SAMPLE)
    assert rows[0]["given_name"] == "michaela" and rows[0]["date_of_birth"] == "19151111"
    assert rows[2]["surname"] == "" and rows[2]["date_of_birth"] == ""
    assert len(rows) == 3


def test_parse_febrl_rejects_a_foreign_header_and_a_bad_rec_id_by_line():
    with pytest.raises(ValueError, match="unexpected header"):
        febrl.parse_febrl_csv("id, name\n1, x\n")
    bad = FEBRL_SAMPLE.replace("rec-1016-org", "r1016")
    with pytest.raises(ValueError, match="line 3"):
        febrl.parse_febrl_csv(bad)


def test_entity_from_rec_id():
    assert febrl.entity_id("rec-123-org") == febrl.entity_id("rec-123-dup-0") == febrl.entity_id("rec-123-dup-4")
    assert febrl.entity_id("rec-123-org") != febrl.entity_id("rec-12-org")


def test_variant_names():
    v = febrl.parse_variant("febrl4_iso_noid")
    assert (v.number, v.iso_dates, v.with_id, v.systems) == (4, True, False, ("crm", "policy"))
    assert febrl.parse_variant("febrl3").systems == ("crm",)
    assert febrl.parse_variant("febrl5") is None and febrl.parse_variant("demo") is None


def test_febrl4_landing_headers_match_the_contract(tmp_path, contracts, febrl4_files):
    prepared = febrl.land(febrl.parse_variant("febrl4"), febrl4_files, tmp_path, contracts)
    assert prepared.systems == ("crm", "policy")
    for system in ("crm", "policy"):
        for table, contract in contracts[system].items():
            header, rows = read_csv(tmp_path / "raw" / system / f"{table}.csv")
            assert tuple(header) == contract.columns, f"{system}.{table}"
            expected_rows = {"contacts": 3, "policy_holders": 3}.get(table, 0)
            assert len(rows) == expected_rows, f"{system}.{table}"
            for row in rows:  # every required column filled (last_name only where FEBRL has one)
                for col in contract.required:
                    assert row[col] or col in ("last_name",), f"{system}.{table}.{col}"
    assert not (tmp_path / "raw" / "billing").exists()


def test_febrl4_landing_values(tmp_path, contracts, febrl4_files):
    febrl.land(febrl.parse_variant("febrl4"), febrl4_files, tmp_path, contracts)
    _, contacts = read_csv(tmp_path / "raw" / "crm" / "contacts.csv")
    c = contacts[0]
    assert (c["id"], c["first_name"], c["last_name"]) == ("rec-1070-org", "michaela", "neumann")
    assert (c["mailing_street"], c["mailing_city"], c["mailing_state"], c["mailing_postal_code"]) == (
        "8 stanley street", "winston hills", "nsw", "4223")
    assert c["birthdate"] == "19151111" and c["mailing_country"] == ""
    assert duckdb.sql(f"select try_cast('{c['created_date']}' as timestamptz) is not null").fetchone()[0]
    _, holders = read_csv(tmp_path / "raw" / "policy" / "policy_holders.csv")
    h = holders[0]
    assert (h["holder_id"], h["ssn"], h["zip"], h["address_line_2"]) == ("rec-1070-dup-0", "5304218", "4223", "miami")
    assert duckdb.sql(f"select try_strptime('{h['created_date']}', '%m/%d/%Y') is not null").fetchone()[0]


def test_iso_variant_writes_each_contracts_date_format_and_noid_drops_the_id(tmp_path, contracts, febrl4_files):
    febrl.land(febrl.parse_variant("febrl4_iso_noid"), febrl4_files, tmp_path, contracts)
    _, contacts = read_csv(tmp_path / "raw" / "crm" / "contacts.csv")
    _, holders = read_csv(tmp_path / "raw" / "policy" / "policy_holders.csv")
    assert contacts[0]["birthdate"] == "1915-11-11" and contacts[2]["birthdate"] == ""
    assert holders[1]["birth_date"] == "09/30/1948"
    assert all(h["ssn"] == "" for h in holders)


def test_febrl4_truth_from_rec_id(tmp_path, contracts, febrl4_files):
    prepared = febrl.land(febrl.parse_variant("febrl4"), febrl4_files, tmp_path, contracts)
    header, rows = read_csv(tmp_path / "truth" / "person_records.csv")
    assert header == ["record_key", "person_id", "household_id"]
    person = {r["record_key"]: r["person_id"] for r in rows}
    assert person["crm:contacts:rec-1070-org"] == person["policy:policy_holders:rec-1070-dup-0"]
    assert person["crm:contacts:rec-4405-org"] == person["policy:policy_holders:rec-4405-dup-0"]
    assert person["crm:contacts:rec-1016-org"] != person["policy:policy_holders:rec-9-org"]
    assert len(set(person.values())) == 4 and all(r["household_id"] == "" for r in rows)
    # Splink alone reads the same records under the same keys, with FEBRL's own fields
    keys = [r["unique_id"] for r in prepared.baseline_records]
    assert keys == [r["record_key"] for r in rows]
    assert prepared.baseline_records[0]["national_id"] == "5304218"
    assert prepared.baseline_records[2]["surname"] is None


def test_febrl3_lands_in_crm_contacts_only(tmp_path, contracts):
    files = {"dataset3": febrl.parse_febrl_csv(FEBRL_SAMPLE)}
    prepared = febrl.land(febrl.parse_variant("febrl3"), files, tmp_path, contracts)
    assert prepared.systems == ("crm",)
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["crm"]
    assert any("invented" in n and "crm.contacts" in n for n in prepared.notes)


def test_write_table_refuses_a_column_outside_the_contract(tmp_path, contracts):
    with pytest.raises(KeyError, match="no column"):
        write_table(tmp_path / "x.csv", contracts["crm"]["contacts"], [{"id": "1", "ssn": "123"}])


# --------------------------------------------------------------------------------------------------
# Scoring over every record
# --------------------------------------------------------------------------------------------------


def test_missing_records_are_singletons_and_cost_recall():
    truth = {"a": "P1", "b": "P1", "c": "P2", "d": "P2"}
    u = score_universe(truth, {"a": "x", "b": "x", "c": "y"})  # d dropped by the method
    assert u.missing == 1 and u.unknown == 0 and u.predicted_clusters == 2
    assert (u.scores.true_pairs, u.scores.truth_pairs, u.scores.predicted_pairs) == (1, 2, 1)
    assert (u.scores.pairwise_precision, u.scores.pairwise_recall) == (1.0, 0.5)
    # the same as scoring d explicitly as a singleton of its own
    explicit = score_clusters(contingency(["x", "x", "y", "d-alone"], ["P1", "P1", "P2", "P2"]))
    assert u.scores == explicit


def test_dropping_a_record_never_scores_better_than_keeping_it_alone():
    truth = {"a": "P1", "b": "P1", "c": "P1"}
    dropped = score_universe(truth, {"a": "x", "b": "x"})
    kept_alone = score_universe(truth, {"a": "x", "b": "x", "c": "z"})
    assert dropped.scores == kept_alone.scores
    # the crosswalk-only universe of make evaluate would call the dropped case perfect
    assert score_universe({"a": "P1", "b": "P1"}, {"a": "x", "b": "x"}).scores.pairwise_f1 == 1.0
    assert dropped.scores.pairwise_recall == pytest.approx(1 / 3)


def test_records_unknown_to_truth_are_truth_singletons():
    u = score_universe({"a": "P1"}, {"a": "x", "z": "x"})
    assert u.unknown == 1 and u.scores.records == 2
    assert u.scores.pairwise_precision == 0.0 and u.scores.truth_pairs == 0


def test_missing_reasons():
    quarantined = {"k1": "missing last_name"}
    identity = {"k2": False, "k3": True}
    assert matrix.missing_reason("k1", quarantined, identity) == "quarantined: missing last_name"
    assert matrix.missing_reason("k2", quarantined, identity) == "anonymous (nothing identifies a person: no name, email, phone, id number or customer key)"
    assert matrix.missing_reason("k3", quarantined, identity) == "in identity records, not in the crosswalk"
    assert matrix.missing_reason("k4", quarantined, identity).startswith("key not in the build")


def test_missed_pairs_are_counted_once_on_the_smaller_side_by_what_it_holds():
    """P1's five records fall into customers x (3), y (1) and z (1): x is kept, y misses its 3 pairs with x,
    z its 4 with x and y — 7, all of P1's 10 pairs but x's 3. A part is labelled by its best record. P2 is
    one customer and misses nothing; a record missing from the crosswalk is not counted here."""
    truth = {"a": "P1", "b": "P1", "c": "P1", "d": "P1", "e": "P1", "f": "P2", "g": "P2", "h": "P2"}
    predicted = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z", "f": "w", "g": "w"}
    evidence = {"a": 4, "b": 4, "c": 0, "d": 1, "e": 3, "f": 4, "g": 0}  # e: an email, no full name
    missed = matrix.missed_pairs_by_evidence(truth, predicted, evidence)
    assert missed == {matrix.EVIDENCE[1]: 3, matrix.EVIDENCE[3]: 4}
    assert sum(missed.values()) == 10 - 3
    assert matrix.format_missed(missed) == (
        "an email, a phone or an id number without a full name 4; one name, with or without a place, nothing else 3"
    )
    # z holds an email, so it can join x; y (one name) joins nobody: x and z make 6 pairs where x has 3, and
    # z's pair with y stays missed. P2's w holds its only reachable pair already (h is not in the crosswalk)
    assert matrix.reachable_pairs(truth, predicted, evidence) == 3
    assert matrix.recall_bound(4 / 13, truth, 3) == pytest.approx((4 + 3) / 13)
    assert matrix.recall_bound(0.5, {"a": "P1"}, 0) == 0.5  # no true pair
    # a person whose parts all hold one name or nothing can gain nothing
    assert matrix.reachable_pairs({"a": "P1", "b": "P1"}, {"a": "x", "b": "y"}, {"a": 1, "b": 0}) == 0
    # ties between parts of one size: the smaller customer id is kept, the other misses the pair
    tie = matrix.missed_pairs_by_evidence({"a": "P1", "b": "P1"}, {"a": "y", "b": "x"}, {"a": 2, "b": 0})
    assert tie == {matrix.EVIDENCE[2]: 1}


def test_evidence_levels_follow_what_a_record_holds():
    import duckdb

    rows = [
        ("ann", "lee", None, None, None, 4),  # a full name and a postcode
        ("ann", "lee", None, None, None, 2),
        (None, "lee", "1 HIGH ST", None, None, 1),  # one name and a place
        ("ann", None, None, "ann@example.com", None, 3),
        (None, None, None, None, None, 0),
    ]
    con = duckdb.connect()
    try:
        con.execute("create table r (first_name varchar, last_name varchar, address_line_1 varchar, postal_code varchar,"
                    " city varchar, birth_date date, email_key varchar, phone_e164 varchar, national_id varchar,"
                    " expected int)")
        con.executemany("insert into r values (?, ?, ?, ?, null, null, ?, ?, null, ?)",
                        [(f, l, a, "12345" if i == 0 else None, e, p, x) for i, (f, l, a, e, p, x) in enumerate(rows)])
        got = con.sql(f"select {matrix.EVIDENCE_SQL} as level, expected from r").fetchall()
    finally:
        con.close()
    assert [level for level, _ in got] == [expected for _, expected in got]


# --------------------------------------------------------------------------------------------------
# Splink alone: settings construction
# --------------------------------------------------------------------------------------------------


def output_names(settings):
    return [c["output_column_name"] for c in settings["comparisons"]]


def test_baseline_settings_for_febrl_columns():
    cols = {"given_name", "surname", "date_of_birth", "street", "suburb", "postcode", "state", "national_id"}
    p = baseline.plan(cols, "%Y%m%d")
    assert p.settings["link_type"] == "dedupe_only"
    assert output_names(p.settings) == ["given_name", "surname", "date_of_birth", "street", "suburb", "postcode",
                                        "state", "national_id"]
    dob = p.settings["comparisons"][2]
    assert any("%Y%m%d" in lv["sql_condition"] for lv in dob["comparison_levels"])
    given = p.settings["comparisons"][0]
    assert any(lv.get("tf_adjustment_column") == "given_name" for lv in given["comparison_levels"])
    rules = [r["blocking_rule"] for r in p.settings["blocking_rules_to_generate_predictions"]]
    assert len(rules) == len(p.blocking_rules) and ("national_id",) in p.blocking_rules
    assert any("national_id" in r for r in rules)
    assert p.training_rules == [("given_name", "surname"), ("date_of_birth",), ("national_id",)]
    assert p.prior_rules == [("national_id",), ("given_name", "surname", "date_of_birth")]


def test_baseline_settings_drop_what_the_data_lacks():
    p = baseline.plan({"given_name", "surname", "date_of_birth", "postcode"})
    assert "national_id" not in output_names(p.settings) and "email" not in output_names(p.settings)
    assert all("national_id" not in r and "street" not in r for r in p.blocking_rules)
    assert p.prior_rules == [("given_name", "surname", "date_of_birth")]
    assert p.training_rules == [("given_name", "surname"), ("date_of_birth",), ("postcode",)]
    with_email = baseline.plan({"given_name", "surname", "email", "phone"})
    assert output_names(with_email.settings) == ["given_name", "surname", "email", "phone"]
    assert with_email.prior_rules == [("email",)]


def test_baseline_needs_enough_columns():
    with pytest.raises(ValueError, match="too few columns"):
        baseline.plan({"state", "suburb"})


def test_available_columns_need_two_distinct_values_and_one_shared():
    t = pa.table({"unique_id": ["1", "2", "3", "4"], "given_name": ["a", "b", "a", None],
                  "state": ["x", "x", None, None], "email": [None, None, None, None],
                  "national_id": ["1", "2", "3", None]})  # ids that never repeat give no pairs
    assert baseline.available_columns(t) == {"given_name"}


def test_baseline_input_from_identity_records(tmp_path):
    db = tmp_path / "build.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema intermediate")
    con.execute("""
        create table intermediate.int_identity__records as
        select * from (values
            ('crm:contacts:1', 'ann', 'lee', date '1970-01-02', '1 main st', '02139', null, 'ann@x.com', null),
            ('web:sessions:9', null, null, null, null, null, null, null, null)
        ) as t(record_key, first_name, last_name, birth_date, address_line_1, postal_code, national_id, email_key, phone_e164)
    """)
    con.close()
    t = baseline.from_identity_records(str(db))
    assert t.num_rows == 1  # a record without any field is not given to Splink (it stays a singleton)
    row = t.to_pylist()[0]
    assert row["unique_id"] == "crm:contacts:1" and row["date_of_birth"] == "1970-01-02"
    assert (row["given_name"], row["surname"], row["postcode"], row["email"]) == ("ann", "lee", "02139", "ann@x.com")


# --------------------------------------------------------------------------------------------------
# Data sets, build summaries, output
# --------------------------------------------------------------------------------------------------


def test_dataset_registry():
    assert matrix.resolve("demo", 200).generator_args == ("--customers", "200", "--seed", "42")
    assert matrix.resolve("seed7").generator_args == ("--customers", "1000", "--seed", "7")
    shape = matrix.resolve("no_email_phone")
    assert shape.kind == "generator" and shape.generator_args[-2:] == ("--shape", "no_email_phone")
    f = matrix.resolve("febrl4_noid")
    assert (f.kind, f.systems) == ("febrl", ("crm", "policy"))
    with pytest.raises(ValueError, match="unknown data set"):
        matrix.resolve("febrl9")


def test_enabled_vars_switch_the_other_systems_off():
    v = matrix.enabled_vars(["crm"], ["crm", "policy", "web"])
    assert v == {"source_crm_enabled": True, "source_policy_enabled": False, "source_web_enabled": False}
    with pytest.raises(ValueError):
        matrix.enabled_vars(["crm", "erp"], ["crm"])


def test_run_results_summary_names_the_first_failing_node(tmp_path):
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps({"results": [
        {"unique_id": "model.customer360.stg_crm__contacts", "status": "success", "message": "OK"},
        {"unique_id": "model.customer360.int_identity__probabilistic_links", "status": "error",
         "message": "Python model failed:\nmath domain error for 1234567890"},
        {"unique_id": "model.customer360.int_identity__clusters", "status": "skipped", "message": None},
    ]}))
    counts, first = matrix.summarise_run_results(path)
    assert counts == {"success": 1, "error": 1, "skipped": 1}
    assert first == "int_identity__probabilistic_links: Python model failed: … math domain error for #####"
    assert matrix.build_status("ERROR", counts) == "ERROR (1 error, 1 skipped)"
    assert matrix.first_line("\n  boom 1234567890 at row\nmore") == "boom ##### at row"


def test_report_and_csv_with_a_failed_build(tmp_path):
    rows = [
        matrix.Row("febrl4", "customer360", "ERROR (1 error); no crosswalk", first_error="x: boom", notes="a | b"),
        matrix.scored_row(matrix.Row("febrl4", "splink_alone", "OK", threshold=0.5),
                          {"a": "P1", "b": "P1"}, {"a": "x", "b": "x"}),
    ]
    text = matrix.report(rows)
    assert "febrl4 customer360: first error: x: boom" in text and "1.0000" in text
    out = tmp_path / "m.csv"
    matrix.write(rows, out)
    header, written = read_csv(out)
    assert tuple(header) == matrix.Row.FIELDS and written[0]["pairwise_f1"] == "" and written[1]["recall"] == "1.0"
    assert Counter(r["dataset"] for r in written) == {"febrl4": 2}
