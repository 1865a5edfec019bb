"""Incremental scoring (customer360.identity.incremental, DECISIONS §88): while the model is reused, with its
term frequencies and threshold kept, a build scores only the pairs with a record that is new, changed or
joined differently, keeps the others, and so gives exactly the pairs a scoring of every record gives."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from customer360.identity import incremental, stages
from customer360.identity.prepare import prepare_records
from test_identity_matching import _population, _records

PAIR_KEY = [("record_key_a", "ascending"), ("record_key_b", "ascending")]


def _reused(model_table: pa.Table) -> pa.Table:
    """The match model row as the next build sees it while the data still fits it."""
    return model_table.set_column(
        model_table.column_names.index("model_source"), "model_source", pa.array(["reused"], pa.string())
    )


def _links(pairs: list[tuple[str, str]]) -> pa.Table:
    return pa.table({
        "record_key_a": pa.array([a for a, _ in pairs], pa.string()),
        "record_key_b": pa.array([b for _, b in pairs], pa.string()),
    })


def _full(records, model_table, path, links=None, tf=None, kept=None) -> pa.Table:
    stages.write_scored_pairs(records, model_table, str(path), deterministic=links, term_frequency_table=tf, kept=kept)
    return pq.read_table(path).sort_by(PAIR_KEY)


def _incremental(con, records, model_table, path, previous_pairs, previous_states, links=None, tf=None, kept=None):
    con.register("previous_pairs_arrow", previous_pairs)
    con.execute("create or replace table previous_pairs as select * from previous_pairs_arrow")

    def keep_previous(unchanged, new_path, out):
        return incremental.write_with_kept(con, "previous_pairs", unchanged, new_path, out)

    stages.write_scored_pairs(
        records, model_table, str(path), deterministic=links, term_frequency_table=tf, kept=kept,
        previous_states=previous_states, keep_previous=keep_previous,
    )
    return pq.read_table(path).sort_by(PAIR_KEY)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    records, _ = _population(60)
    model_table = stages.match_model(records, seed=360)
    assert stages._model_of(model_table) is not None
    tf = stages.term_frequencies(records, model_table)
    pairs = _full(records, model_table, tmp_path_factory.mktemp("first") / "pairs.parquet", tf=tf)
    assert pairs.num_rows > 50
    states = stages.scored_records(records)
    return records, model_table, tf, pairs, states


def _next_records(records: pa.Table) -> pa.Table:
    """The next export: two records gone, one first name retyped, and three new records (one a new person)."""
    rows = records.to_pylist()
    gone = {"src:t:3-0", "src:t:7-2"}
    rows = [r for r in rows if r["record_key"] not in gone]
    for r in rows:
        if r["record_key"] == "src:t:5-1":
            r.update(first_name="fraank", first_name_canonical="fraank", first_name_keys=["fraank"])
    template = next(r for r in rows if r["record_key"] == "src:t:9-0")
    rows += [
        {**template, "record_key": "src:t:9-3", "email_key": None},
        {**template, "record_key": "src:t:9-4", "postal_code": "9999"},
        {**template, "record_key": "src:t:new-0", "first_name": "zelda", "first_name_canonical": "zelda",
         "first_name_keys": ["zelda"], "email_key": "zelda@example.com"},
    ]
    return _records([{k: v for k, v in r.items() if v is not None or k == "record_key"} for r in rows])


def test_unchanged_records_keep_their_state_and_changed_ones_do_not(first_build):
    records, *_ , states = first_build
    again = stages.scored_records(records)
    assert again.equals(states)
    following = _next_records(records)
    model_input = prepare_records(following)
    flags = incremental.rescored(model_input, stages.scored_records(following), states)
    flagged = set(pc.filter(model_input.column("unique_id"), pa.array(flags)).to_pylist())
    assert flagged == {"src:t:5-1", "src:t:9-3", "src:t:9-4", "src:t:new-0"}


def test_a_new_deterministic_link_changes_both_records_states(first_build):
    records, *_, states = first_build
    linked = stages.scored_records(records, deterministic=_links([("src:t:1-0", "src:t:2-0")]))
    changed = set(
        pc.filter(linked.column("unique_id"), pc.not_equal(linked.column("record_state"), states.column("record_state")))
        .to_pylist()
    )
    assert changed == {"src:t:1-0", "src:t:2-0"}


@pytest.mark.parametrize("with_link", [False, True])
def test_incremental_scoring_gives_the_pairs_of_scoring_everything(first_build, tmp_path, with_link):
    records, model_table, tf, pairs, states = first_build
    reused = _reused(model_table)
    kept = stages.carried_threshold(pairs.slice(0, 1), reused)
    assert kept is not None and kept.method == "expected_f1"
    following = _next_records(records)
    # a deterministic link between two records of a scored pair: the pair is joined now, no longer scored
    scored_pair = pairs.slice(0, 1).to_pylist()[0]
    links = _links([(scored_pair["record_key_a"], scored_pair["record_key_b"])]) if with_link else None
    con = duckdb.connect()
    incremental_pairs = _incremental(
        con, following, reused, tmp_path / "incremental.parquet", pairs, states, links=links, tf=tf, kept=kept
    )
    everything = _full(following, reused, tmp_path / "full.parquet", links=links, tf=tf, kept=kept)
    assert incremental_pairs.equals(everything)
    keys = set(zip(incremental_pairs.column("record_key_a").to_pylist(), incremental_pairs.column("record_key_b").to_pylist()))
    assert ("src:t:9-0", "src:t:9-3") in keys  # a new record's pair is scored
    assert not any("src:t:3-0" in pair for pair in keys)  # a gone record's pairs are dropped
    assert ((scored_pair["record_key_a"], scored_pair["record_key_b"]) in keys) is not with_link
    assert set(incremental_pairs.column("match_model_id").to_pylist()) == {reused.column("match_model_id")[0].as_py()}
    assert set(incremental_pairs.column("match_probability_threshold").to_pylist()) == {kept.match_probability}


def test_incremental_scoring_predicts_only_the_rescored_records_pairs(first_build, tmp_path, capsys):
    records, model_table, tf, pairs, states = first_build
    reused = _reused(model_table)
    kept = stages.carried_threshold(pairs.slice(0, 1), reused)
    con = duckdb.connect()
    same = _incremental(con, records, reused, tmp_path / "same.parquet", pairs, states, tf=tf, kept=kept)
    assert "scored the pairs of 0 new or changed records" in capsys.readouterr().out
    assert same.equals(pairs)


def test_the_term_frequencies_and_threshold_are_kept_only_for_the_reused_model(first_build):
    records, model_table, tf, pairs, _ = first_build
    fewer = records.slice(0, records.num_rows // 2)
    reused = _reused(model_table)
    assert stages.term_frequencies(fewer, reused, previous=tf).equals(tf)  # kept as the model's weights are
    counted_again = stages.term_frequencies(fewer, model_table, previous=tf)  # trained: counted on this data
    assert not counted_again.equals(tf)
    assert stages.carried_threshold(pairs.slice(0, 1), model_table) is None  # a trained model chooses again
    other = reused.set_column(0, "match_model_id", pa.array(["Mother"], pa.string()))
    assert stages.carried_threshold(pairs.slice(0, 1), other) is None  # pairs of another model
    assert stages.term_frequencies(fewer, other, previous=tf).column("match_model_id").unique().to_pylist() == ["Mother"]


def test_a_lookup_value_absent_from_the_kept_table_is_not_adjusted(first_build):
    records, model_table, tf, *_ = first_build
    from customer360.identity import frequencies, matching

    lookups = frequencies.lookups_from_long(tf, matching.tf_columns(stages._model_of(model_table)["splink"]))
    assert set(lookups) == set(pc.unique(tf.column("tf_column")).to_pylist())
    for column, lookup in lookups.items():
        assert lookup.column_names == [column, f"tf_{column}"]
        assert lookup.num_rows == int(np.sum(pc.equal(tf.column("tf_column"), column).to_numpy(zero_copy_only=False)))


def test_a_threshold_set_by_var_decides_every_pair_again(first_build, tmp_path):
    records, model_table, tf, pairs, states = first_build
    reused = _reused(model_table)
    kept = stages.carried_threshold(pairs.slice(0, 1), reused)
    fixed = 0.9
    con = duckdb.connect()
    con.register("previous_pairs", pairs)
    calls = []

    def keep_previous(*args):
        calls.append(args)
        return incremental.write_with_kept(con, "previous_pairs", *args)

    stages.write_scored_pairs(
        records, reused, str(tmp_path / "fixed.parquet"), fixed, term_frequency_table=tf, kept=kept,
        previous_states=states, keep_previous=keep_previous,
    )
    decided = pq.read_table(tmp_path / "fixed.parquet")
    assert not calls  # nothing kept: every pair scored and decided at the var's threshold
    assert decided.num_rows == pairs.num_rows
    assert set(decided.column("match_probability_threshold").to_pylist()) == {fixed}
