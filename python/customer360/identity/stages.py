"""The identity stages as the dbt Python models call them: tables in, one table out.

- ``match_model``: the model trained on the records being built (or a pinned one, checked against
  the data's fingerprint) — one row (``int_identity__match_model``);
- ``term_frequencies``: each compared value's term frequency, counted when the model was trained and
  kept while it is reused (``int_identity__term_frequencies``);
- ``scored_pairs``: every blocked pair the model scored: linked (at or above the threshold it chooses)
  or apart (below it) (``int_identity__scored_pairs``); only the pairs of new or changed records are
  scored while the model is reused (``incremental``);
- ``scored_records``: the state of every record the scoring saw (``int_identity__scored_records``);
- ``customers``: the customer of every record (``int_identity__clusters``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import clustering, constraints, frequencies, incremental, matching, training
from .prepare import prepare_records, to_arrow_table

MODEL_COLUMNS = {
    "match_model_id": pa.string(),
    "model_source": pa.string(),
    "model_json": pa.string(),
    "usable_columns": pa.string(),
    "active_constraints": pa.string(),
    "record_count": pa.int64(),
    "probability_two_random_records_match": pa.float64(),
    "training_notes": pa.string(),
    "fingerprint_drift": pa.string(),
    "trained_seconds": pa.float64(),
    "trained_at": pa.timestamp("us"),
}


def _labels(deterministic) -> pa.Table | None:
    if deterministic is None:
        return None
    table = to_arrow_table(deterministic)
    keep = [c for c in ("record_key_a", "record_key_b", "evidence_fields") if c in table.column_names]
    return table.select(keep)


def _reusable(previous, model_input: pa.Table, seed: int) -> tuple[dict[str, Any] | None, Any, list[str]]:
    """The previous build's trained (or reused) model, its ``trained_at``, and why it cannot be reused
    (empty: it can)."""
    table = to_arrow_table(previous) if previous is not None else None
    if table is None or table.num_rows != 1 or "model_source" not in table.column_names:
        return None, None, ["no previous model"]
    if table.column("model_source")[0].as_py() not in ("trained", "reused"):
        return None, None, [f"the previous model was {table.column('model_source')[0].as_py()}"]
    text = table.column("model_json")[0].as_py()
    model = json.loads(text) if text else None
    if not model:
        return None, None, ["the previous model is empty"]
    return model, table.column("trained_at")[0].as_py(), training.reuse_drift(model, model_input, seed)


def match_model(
    records,
    deterministic=None,
    pinned_path: str | None = None,
    seed: int = training.U_SAMPLING_SEED,
    previous=None,
    retrain: bool = False,
) -> pa.Table:
    """One row describing the model the build scores with (see ``MODEL_COLUMNS``).

    Without ``pinned_path`` the model is trained on ``records`` (``training.train``) with the
    deterministic links as pairs known to be one person — unless ``previous`` (the last build's row of
    this table) holds a trained model the data still fits (``training.reuse_drift``: same seed, same
    usable columns, columns' shares and record count close to those it was trained on) and ``retrain``
    is false: then that model is reused (``model_source`` ``reused``, ``trained_at`` its training
    time), so a day's new records do not move every weight and, with them, borderline customers
    (DECISIONS §46). With ``pinned_path``, the saved model is used and its fingerprint compared with the
    data's (``fingerprint_drift``: why it may no longer fit, or null). When nothing can be compared,
    ``model_source`` is ``none`` and the build links deterministically only.
    """
    started = time.perf_counter()
    model_input = prepare_records(records)
    notes: list[str] = []
    drift = None
    trained_at = None
    reused, reused_at, why_not = (None, None, ["retrain requested"]) if retrain or pinned_path else _reusable(
        previous, model_input, seed
    )
    if reused is not None and not why_not:
        model, source, trained_at = reused, "reused", reused_at
        notes = [f"reused the model trained at {reused_at}: this data still fits it"]
        print(f"identity: {notes[0]} (var identity_retrain: true trains again)")
    elif pinned_path:
        model = json.loads(Path(pinned_path).read_text(encoding="utf-8"))
        source = "pinned"
        found = training.fingerprint_drift(model.get("fingerprint", {}), training.fingerprint(model_input))
        drift = "; ".join(found) or None
        if drift:
            print(f"identity: the pinned model {pinned_path} may not fit this data: {drift}")
    else:
        try:
            model, report = training.train(model_input, _labels(deterministic), seed=seed)
            source = "trained"
            notes = report.skipped + [
                f"m counted on {pairs} known pairs for {name}" for name, pairs in sorted(report.labelled_comparisons.items())
            ]
            if reused is not None:
                notes.append("trained again: " + "; ".join(why_not))
        except training.NoModel as reason:
            model, source = None, "none"
            notes = [f"no probabilistic matching: {reason}"]
            print(f"identity: {notes[0]}")
    model_json = json.dumps(model, sort_keys=True) if model else None
    splink = (model or {}).get("splink", {})
    row = {
        "match_model_id": (
            "M" + hashlib.md5(model_json.encode("utf-8")).hexdigest()[:16] if model_json else "none"
        ),
        "model_source": source,
        "model_json": model_json,
        "usable_columns": ", ".join((model or {}).get("usable_columns", [])) or None,
        "active_constraints": ", ".join(sorted(constraints.active_rules(splink))) or None,
        "record_count": model_input.num_rows,
        "probability_two_random_records_match": splink.get("probability_two_random_records_match"),
        "training_notes": "; ".join(notes) or None,
        "fingerprint_drift": drift,
        "trained_seconds": round(time.perf_counter() - started, 1),
        "trained_at": trained_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
    }
    return pa.table({name: pa.array([row[name]], kind) for name, kind in MODEL_COLUMNS.items()})


def _model_of(match_model_table) -> dict[str, Any] | None:
    table = to_arrow_table(match_model_table)
    text = table.column("model_json")[0].as_py() if table.num_rows else None
    return json.loads(text) if text else None


PAIR_COLUMNS = {
    "record_key_a": pa.string(),
    "record_key_b": pa.string(),
    "pair_decision": pa.string(),
    "match_weight": pa.float64(),
    "match_probability": pa.float64(),
    "blocking_rule": pa.string(),
    "comparison_levels": pa.string(),
    "match_probability_threshold": pa.float64(),
    "threshold_method": pa.string(),
    "expected_precision": pa.float64(),
    "expected_recall": pa.float64(),
    "match_model_id": pa.string(),
}


def _links(deterministic) -> pa.Table | None:
    if deterministic is None:
        return None
    return to_arrow_table(deterministic).select(["record_key_a", "record_key_b"])


def _joined(record_keys, deterministic, corrections):
    """``clustering.joined_before_scoring`` of the model input's keys: which pairs are not scored."""
    if corrections is not None:
        corrections = to_arrow_table(corrections).select(["record_key_a", "record_key_b", "correction_type"])
    return clustering.joined_before_scoring(record_keys, _links(deterministic), corrections)


def _model_row(match_model_table) -> tuple[str | None, str | None]:
    """(``match_model_id``, ``model_source``) of the build's match model row."""
    table = to_arrow_table(match_model_table)
    if not table.num_rows:
        return None, None
    return table.column("match_model_id")[0].as_py(), table.column("model_source")[0].as_py()


def term_frequencies(records, match_model_table, deterministic=None, previous=None, spark=None) -> pa.Table:
    """Each value's term frequency for the build's model (``frequencies.TERM_FREQUENCY_COLUMNS``): the share
    of the records carrying the value outside its largest holder (``frequencies``, DECISIONS §72), counted
    when the model is trained or pinned. While the model is reused (``model_source`` ``reused``) the
    previous build's table (``previous``) for the same model is kept as it is, as the model's weights are:
    a day's records then move no old pair's weight, so those pairs need not be scored again (DECISIONS §88).
    ``records``: the model input (a Spark DataFrame with ``spark``)."""
    model = _model_of(match_model_table)
    model_id, source = _model_row(match_model_table)
    schema = pa.schema(list(frequencies.TERM_FREQUENCY_COLUMNS.items()))
    if model is None:
        return schema.empty_table()
    previous = to_arrow_table(previous) if previous is not None else None
    if (
        source == "reused"
        and previous is not None
        and previous.num_rows
        and set(previous.column_names) >= set(schema.names)
        and set(previous.column("match_model_id").unique().to_pylist()) == {model_id}
    ):
        print("identity: kept the term frequencies counted for the reused model")
        return previous.select(schema.names).cast(schema)
    columns = matching.tf_columns(model["splink"])
    if spark is not None:
        from customer360.spark.scoring import record_holders as record_holders_on_spark
        from customer360.spark.scoring import term_frequency_frames

        frames = term_frequency_frames(spark, records, columns, record_holders_on_spark(spark, records, _links(deterministic)))
        try:
            lookups = {column: frame.toArrow() for column, frame in frames.items()}
        finally:
            for frame in frames.values():
                frame.unpersist()
    else:
        model_input = prepare_records(records)
        lookups = frequencies.term_frequency_tables(
            model_input, columns, frequencies.record_holders(model_input, _links(deterministic))
        )
    return frequencies.long_table(lookups, model_id)


def _lookups(term_frequency_table, model: dict[str, Any], model_id: str | None) -> dict[str, pa.Table] | None:
    """Splink's lookups from the build's term-frequency table, or None (the scoring counts them) when it
    holds none for this model."""
    if term_frequency_table is None:
        return None
    table = to_arrow_table(term_frequency_table)
    if not table.num_rows or set(table.column("match_model_id").unique().to_pylist()) != {model_id}:
        return None
    return frequencies.lookups_from_long(table, matching.tf_columns(model["splink"]))


def carried_threshold(previous_pairs, match_model_table) -> matching.Threshold | None:
    """The threshold the previous build chose, kept while the model is reused: ``previous_pairs`` (a row of
    the previous scored pairs, or None) was decided by this very model (its ``match_model_id``) at a
    threshold chosen by expected F1. Otherwise None: the threshold is chosen on this build's pairs."""
    model_id, source = _model_row(match_model_table)
    table = to_arrow_table(previous_pairs) if previous_pairs is not None else None
    if source != "reused" or table is None or not table.num_rows or "match_model_id" not in table.column_names:
        return None
    row = table.slice(0, 1).to_pylist()[0]
    if row["match_model_id"] != model_id or row["threshold_method"] != "expected_f1":
        return None
    return matching.Threshold(
        row["match_probability_threshold"], row["threshold_method"], row["expected_precision"], row["expected_recall"]
    )


def scored_pairs(
    records,
    match_model_table,
    threshold: float | None = None,
    spark=None,
    deterministic=None,
    corrections=None,
    term_frequency_table=None,
    kept: matching.Threshold | None = None,
) -> pa.Table | pa.RecordBatchReader:
    """Every blocked pair the model scored: ``link`` at or above the threshold, ``apart`` below it (the
    clustering weighs every scored pair between two customers, DECISIONS §42), with the threshold, what
    the model expects of it and the model's id on every row. ``threshold`` fixes it (var); else ``kept``
    (the threshold chosen when the model was trained, ``carried_threshold``) or, without one, chosen by
    expected F1. A value's term frequency comes from ``term_frequency_table`` (``term_frequencies``) or,
    without it, counts the records that carry it outside its largest holder; the ``deterministic`` links
    say which records are one person's (``frequencies``, DECISIONS §72). A pair of records those links
    already join is not scored: the clustering joins them whatever the model says, unless a steward's
    must_not_link (``corrections``, the correction pairs) may split them
    (``clustering.joined_before_scoring``, DECISIONS §78).

    With ``spark`` (the build's SparkSession), ``records`` is the model input as a Spark DataFrame and
    Splink's Spark backend scores it in that session (``customer360.spark.scoring``); the result is then a
    table. On DuckDB it is a stream of batches (``matching.score_and_decide_batches``), never all in
    Python's memory at once; the DuckDB build writes the pairs to a file instead (``write_scored_pairs``)."""
    model = _model_of(match_model_table)
    model_id, _ = _model_row(match_model_table)
    schema = pa.schema(list(PAIR_COLUMNS.items()))
    if model is None:
        return schema.empty_table()
    lookups = _lookups(term_frequency_table, model, model_id)
    carried = {"term_frequencies": lookups, "kept": kept, "match_model_id": model_id}
    if spark is not None:
        from customer360.spark.scoring import record_holders as record_holders_on_spark

        holders = record_holders_on_spark(spark, records, _links(deterministic)) if lookups is None else None
        keys = (
            holders.column("unique_id") if holders is not None
            else records.select("unique_id").orderBy("unique_id").toArrow().column("unique_id")
        )
        joined = pa.table({
            "unique_id": keys,
            matching.JOINED_COLUMN: _joined(keys, deterministic, corrections),
        })
        return matching.score_and_decide(
            records, model, threshold, spark=spark, holders=holders, joined=joined, **carried
        ).select(schema.names).cast(schema)
    # scored, decided and explained in DuckDB: millions of pairs at scale never pass through Python lists
    model_input = prepare_records(records)
    holders = frequencies.record_holders(model_input, _links(deterministic)) if lookups is None else None
    joined = _joined(model_input.column("unique_id"), deterministic, corrections)
    stream = matching.score_and_decide_batches(model_input, model, threshold, holders=holders, joined=joined, **carried)
    return pa.RecordBatchReader.from_batches(schema, (batch.select(schema.names).cast(schema) for batch in stream))


def write_scored_pairs(
    records,
    match_model_table,
    path: str,
    threshold: float | None = None,
    deterministic=None,
    corrections=None,
    term_frequency_table=None,
    kept: matching.Threshold | None = None,
    previous_states=None,
    keep_previous=None,
) -> int:
    """``scored_pairs`` on DuckDB written to a Parquet file at ``path`` in the published schema (the
    build's hand-over to dbt's database, ``matching.score_and_decide_to_parquet``); the number of pairs.
    Without a model the file has the columns and no row.

    Incremental (DECISIONS §88): with ``kept`` (the model is reused with its threshold),
    ``term_frequency_table`` kept with it, ``previous_states`` (the states the previous scoring saw,
    ``int_identity__scored_records``) and ``keep_previous`` (a callable given the unchanged records'
    ``unique_id``, the file of the new pairs and ``path``, writing the previous pairs to keep with the new
    ones to ``path``: ``incremental.write_with_kept``, the one that reads dbt's database), only the pairs
    with a new or changed record are scored — unless var
    ``threshold`` is set: every pair is then decided at it."""
    import pyarrow.parquet as pq

    model = _model_of(match_model_table)
    model_id, _ = _model_row(match_model_table)
    schema = pa.schema(list(PAIR_COLUMNS.items()))
    if model is None:
        pq.write_table(schema.empty_table(), path)
        return 0
    model_input = prepare_records(records)
    lookups = _lookups(term_frequency_table, model, model_id)
    holders = frequencies.record_holders(model_input, _links(deterministic)) if lookups is None else None
    joined = _joined(model_input.column("unique_id"), deterministic, corrections)
    carried = {"term_frequencies": lookups, "kept": kept, "match_model_id": model_id}
    # incremental only at the kept threshold: a var threshold decides every pair again
    if threshold is not None or kept is None or lookups is None or previous_states is None or keep_previous is None:
        return matching.score_and_decide_to_parquet(
            model_input, model, path, schema, threshold, holders=holders, joined=joined, **carried
        )
    states = incremental.record_states(model_input, joined)
    flags = incremental.rescored(model_input, states, to_arrow_table(previous_states))
    new_path = f"{path}.new.parquet"
    scored = matching.score_and_decide_to_parquet(
        model_input, model, new_path, schema, threshold, holders=None, joined=joined, rescored=flags, **carried
    )
    unchanged = pa.table({"unique_id": model_input.column("unique_id").cast(pa.string()).filter(pa.array(~flags))})
    total = int(keep_previous(unchanged, new_path, path))
    print(
        f"identity: scored the pairs of {int(flags.sum())} new or changed records of {len(flags)} "
        f"({scored} pairs) and kept {total - scored} pairs of the others (var identity_rescore_all: true scores all)"
    )
    return total


def scored_records(records, deterministic=None, corrections=None) -> pa.Table:
    """The state of every model-input record as the scoring saw it (``incremental.record_states``: its row
    and the records the deterministic links join it with), for the next build's incremental scoring."""
    model_input = prepare_records(records)
    joined = _joined(model_input.column("unique_id"), deterministic, corrections)
    return incremental.record_states(model_input, joined)


def customers(records, deterministic, pairs, match_model_table, previous=None, corrections=None) -> pa.Table:
    """The customer of every record (``clustering.assign_customers``), with the constraints the model
    supports as proof on this data and the stewards' corrections (record pairs) applied first. ``pairs``
    are the scored pairs by record key, or by record position (``clustering.positioned_sql``, with
    ``records`` numbered by the same SQL)."""
    model = _model_of(match_model_table)
    rules = constraints.active_rules((model or {}).get("splink"))
    pairs = to_arrow_table(pairs)
    positioned = "record_position_a" in pairs.column_names  # clustering.positioned_sql: positions, not keys
    pairs = pairs.select(
        list(clustering.POSITIONED_PAIR_COLUMNS)
        if positioned
        else ["record_key_a", "record_key_b", "match_weight", "pair_decision"]
    )
    # links (``link``) and cannot-links (``apart``) split after the key lookup, not filtered as tables
    assigned, _ = clustering.cluster_records(
        records, deterministic, None, previous=previous, rules=rules, corrections=corrections, scored=pairs
    )
    return assigned
