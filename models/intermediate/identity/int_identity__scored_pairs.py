"""Every blocked record pair the match model links (at or above the threshold it chooses, or
var identity_match_probability_threshold) or scores as two people, explained
(customer360.identity.stages.scored_pairs). On Spark, Splink's Spark backend scores the model input in
the build's session (customer360.spark.scoring); on DuckDB, Splink's DuckDB backend in this process,
which writes the pairs to a Parquet file that dbt's database reads (DECISIONS §58). A value's term
frequency counts the records that carry it outside its largest holder (int_identity__term_frequencies,
DECISIONS §72). A pair of records the deterministic links already join is not scored: the clustering
joins them whatever the model says, unless a steward's must_not_link may split them
(customer360.identity.clustering.joined_before_scoring, DECISIONS §78). While the model is reused, its
threshold is kept and, on DuckDB, only the pairs with a record new or changed since the last scoring
(int_identity__scored_records, read as the previous build left it) are scored; the others are kept
(customer360.identity.incremental, DECISIONS §88; var identity_rescore_all: true scores them all)."""

from customer360.frames import parquet_result, previous_build, sibling, spark_session, to_arrow, to_model_result
from customer360.identity import incremental, stages

THRESHOLD_COLUMNS = "match_model_id, match_probability_threshold, threshold_method, expected_precision, expected_recall"


def model(dbt, session):
    dbt.config(materialized="table")
    threshold = dbt.config.meta_get("match_probability_threshold")
    threshold = float(threshold) if threshold not in (None, "", "None", "none") else None
    rescore_all = str(dbt.config.meta_get("rescore_all")).lower() in ("true", "1", "yes")
    spark = spark_session(session)  # None on DuckDB
    records = dbt.ref("int_identity__model_input")
    match_model = to_arrow(dbt.ref("int_identity__match_model"))
    term_frequencies = to_arrow(dbt.ref("int_identity__term_frequencies"))
    # the threshold the previous build chose with this (reused) model is kept (DECISIONS §88)
    kept = stages.carried_threshold(previous_build(session, dbt.this, THRESHOLD_COLUMNS, limit=1), match_model)
    # records the deterministic links join are one holder of a value for its term frequency (DECISIONS §72)
    links = to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b"))
    # a pair those links join is not scored, unless a steward's must_not_link may split them (DECISIONS §78)
    corrections = to_arrow(
        dbt.ref("int_identity__correction_pairs").select("record_key_a", "record_key_b", "correction_type")
    )
    if spark is not None:
        return to_model_result(
            stages.scored_pairs(
                records, match_model, threshold=threshold, spark=spark, deterministic=links, corrections=corrections,
                term_frequency_table=term_frequencies, kept=kept,
            ),
            session,
        )
    records = to_arrow(records)
    # the states of the records the previous scoring saw: int_identity__scored_records is built after this
    # model, so it is read by name, as the previous build left it
    states_relation = sibling(dbt.this, "int_identity__scored_records")
    previous_states = None if rescore_all or kept is None else previous_build(session, states_relation, "unique_id, record_state")

    def keep_previous(unchanged, new_path, path):
        return incremental.write_with_kept(session, dbt.this, unchanged, new_path, path)

    return parquet_result(
        session,
        lambda path: stages.write_scored_pairs(
            records, match_model, path, threshold, deterministic=links, corrections=corrections,
            term_frequency_table=term_frequencies, kept=kept, previous_states=previous_states,
            keep_previous=keep_previous,
        ),
        "scored_pairs",
    )
