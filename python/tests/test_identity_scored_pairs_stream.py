"""The build's scored pairs come out of Splink's DuckDB as a stream of batches
(customer360.identity.stages.scored_pairs, matching.score_and_decide_batches), so a large build never holds
every pair in Python's memory: the stream must give the same pairs and values as the whole table, in the
published schema, whatever the batch size, and be written by DuckDB as dbt-duckdb writes a model's result."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from customer360.identity import matching, stages
from customer360.identity.prepare import prepare_records
from test_identity_matching import _population


@pytest.fixture(scope="module")
def scored():
    records, _ = _population(120)
    model_table = stages.match_model(records, seed=360)
    model = stages._model_of(model_table)
    assert model is not None
    whole = matching.score_and_decide(prepare_records(records), model)
    assert whole.num_rows > 20  # enough pairs for several batches below
    return records, model_table, model, whole


def _with_model_id(table: pa.Table, model_table: pa.Table) -> pa.Table:
    """The pairs as the build writes them: each carries the id of the model that scored it (DECISIONS §88)."""
    model_id = model_table.column("match_model_id")[0].as_py()
    return table.set_column(
        table.column_names.index("match_model_id"), "match_model_id", pa.array([model_id] * table.num_rows, pa.string())
    )


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by([("record_key_a", "ascending"), ("record_key_b", "ascending")])


@pytest.mark.parametrize("batch_rows", [1, 7, 1_000_000])
def test_the_stream_gives_the_whole_table_in_batches(scored, batch_rows):
    records, _, model, whole = scored
    stream = matching.score_and_decide_batches(prepare_records(records), model, batch_rows=batch_rows)
    batches = list(stream)
    assert all(b.num_rows <= batch_rows for b in batches)
    if batch_rows < whole.num_rows:
        assert len(batches) > 1
    assert _sorted(pa.Table.from_batches(batches, stream.schema)).equals(_sorted(whole))


def test_the_model_result_is_a_stream_in_the_published_schema_that_duckdb_writes(scored):
    records, model_table, _, whole = scored
    result = stages.scored_pairs(records, model_table)
    assert isinstance(result, pa.RecordBatchReader)
    schema = pa.schema(list(stages.PAIR_COLUMNS.items()))
    assert result.schema == schema
    con = duckdb.connect()
    con.register("model_result", result)  # what dbt-duckdb's materialize() does with a Python model's result
    con.execute("create table scored_pairs as select * from model_result")
    written = con.sql("select * from scored_pairs").to_arrow_table()
    assert written.num_rows == whole.num_rows
    assert _sorted(written).equals(_sorted(_with_model_id(whole.select(schema.names).cast(schema), model_table)))


def test_a_fixed_threshold_decides_every_batch(scored):
    records, _, model, whole = scored
    probabilities = sorted(whole.column("match_probability").to_pylist())
    fixed = probabilities[len(probabilities) // 2]
    table = matching.score_and_decide_batches(prepare_records(records), model, fixed, batch_rows=5).read_all()
    links = [p >= fixed for p in table.column("match_probability").to_pylist()]
    assert [d == "link" for d in table.column("pair_decision").to_pylist()] == links
    assert set(table.column("match_probability_threshold").to_pylist()) == {fixed}
    assert any(links) and not all(links)


@pytest.mark.parametrize("pairs_per_chunk", [1000, 2500])
def test_chunked_scoring_gives_splink_s_unchunked_pairs(scored, pairs_per_chunk):
    """Splink predicts chunk by chunk and each chunk is narrowed at once (DECISIONS §57): the same pairs,
    weights, probabilities and rules as one unchunked prediction (``score``), the explanation on exactly
    the links."""
    records, _, model, _ = scored
    model_input = prepare_records(records)
    assert matching._chunks(model_input, model, pairs_per_chunk) > 1
    chunked = matching.score_and_decide_batches(model_input, model, pairs_per_chunk=pairs_per_chunk).read_all()
    whole = matching.score(model_input, model, floor=0.0)
    columns = ["record_key_a", "record_key_b", "match_weight", "match_probability", "blocking_rule"]
    assert _sorted(chunked.select(columns)).equals(_sorted(whole.select(columns)))
    links = _sorted(chunked).to_pylist()
    explained = {(r["record_key_a"], r["record_key_b"]): r["comparison_levels"] for r in whole.to_pylist()}
    assert any(r["pair_decision"] == "link" for r in links) and any(r["pair_decision"] == "apart" for r in links)
    for row in links:
        expected = explained[(row["record_key_a"], row["record_key_b"])] if row["pair_decision"] == "link" else None
        assert row["comparison_levels"] == expected


def test_the_build_s_parquet_hand_over_holds_the_published_pairs(scored, tmp_path):
    """On DuckDB the build has Splink's DuckDB write the decided pairs to a Parquet file that dbt's
    database reads (``stages.write_scored_pairs``, ``frames.parquet_result``; DECISIONS §58): the same
    pairs and values as the whole table, in the published schema; without a model, the columns and no row."""
    import pyarrow.parquet as pq

    from customer360.frames import parquet_result

    records, model_table, _, whole = scored
    schema = pa.schema(list(stages.PAIR_COLUMNS.items()))
    path = tmp_path / "pairs.parquet"
    assert stages.write_scored_pairs(records, model_table, str(path)) == whole.num_rows
    written = pq.read_table(path)
    assert written.schema.remove_metadata() == schema
    assert _sorted(written).equals(_sorted(_with_model_id(whole.select(schema.names).cast(schema), model_table)))
    empty = tmp_path / "empty.parquet"
    assert stages.write_scored_pairs(records, model_table.slice(0, 0), str(empty)) == 0
    assert pq.read_table(empty).schema.remove_metadata() == schema
    # what dbt-duckdb does with the relation a Python model returns
    con = duckdb.connect()
    relation = parquet_result(con, lambda p: stages.write_scored_pairs(records, model_table, p), "pairs")
    con.register("model_result", relation)
    con.execute("create table scored_pairs as select * from model_result")
    assert con.sql("select count(*) from scored_pairs").fetchone()[0] == whole.num_rows


def test_the_deterministic_links_make_one_holder_of_a_value_on_both_stage_paths(scored, tmp_path):
    """The stages count a value's records outside its largest holder, the deterministic links saying which
    records are one person's (DECISIONS §72): an email on three differently typed records of one person
    and on one record with nothing else weighs log2(3) bits more for that record's pairs once the three
    are linked (the others then number 1 instead of 3), on the streamed and the Parquet path alike. (An
    email here: the model of this population compares no phone.)"""
    import math

    import pyarrow.parquet as pq

    from test_identity_matching import _records

    records, model_table, _, _ = scored
    email = "olive.ormsby@example.org"
    rows = [{"record_key": "zz:1", "first_name": "olive", "last_name": "ormsby", "email_key": email},
            {"record_key": "zz:2", "first_name": "olivia", "last_name": "ormsby", "email_key": email},
            {"record_key": "zz:3", "first_name": "olive", "last_name": "ormsbey", "email_key": email},
            {"record_key": "zz:4", "email_key": email}]
    extended = pa.concat_tables([records, _records(rows).select(records.column_names).cast(records.schema)])
    links = pa.table({"record_key_a": ["zz:1", "zz:2"], "record_key_b": ["zz:2", "zz:3"]})

    def nameless_weights(table):
        rows = [r for r in table.to_pylist() if "zz:4" in (r["record_key_a"], r["record_key_b"])]
        assert len(rows) == 3
        return sorted(r["match_weight"] for r in rows)

    apart = nameless_weights(stages.scored_pairs(extended, model_table).read_all())
    held = nameless_weights(stages.scored_pairs(extended, model_table, deterministic=links).read_all())
    assert held == pytest.approx([w + math.log2(3) for w in apart], abs=1e-6)
    path = tmp_path / "held.parquet"
    stages.write_scored_pairs(extended, model_table, str(path), deterministic=links)
    assert nameless_weights(pq.read_table(path)) == pytest.approx(held, abs=1e-9)
