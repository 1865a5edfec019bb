"""Every blocked record pair the match model links (at or above the threshold it chooses, or
var identity_match_probability_threshold) or scores as two people, explained
(customer360.identity.stages.scored_pairs). On Spark, Splink's Spark backend scores the model input in
the build's session (customer360.spark.scoring); on DuckDB, Splink's DuckDB backend in this process,
which writes the pairs to a Parquet file that dbt's database reads (DECISIONS §58). A value's term
frequency counts the records that carry it outside its largest holder: the deterministic links say which
records are one person's (customer360.identity.frequencies, DECISIONS §72). A pair of records those links
already join is not scored: the clustering joins them whatever the model says, unless a steward's
must_not_link may split them (customer360.identity.clustering.joined_before_scoring, DECISIONS §78)."""

from customer360.frames import parquet_result, spark_session, to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    threshold = dbt.config.meta_get("match_probability_threshold")
    threshold = float(threshold) if threshold not in (None, "", "None", "none") else None
    spark = spark_session(session)  # None on DuckDB
    records = dbt.ref("int_identity__model_input")
    match_model = to_arrow(dbt.ref("int_identity__match_model"))
    # records the deterministic links join are one holder of a value for its term frequency (DECISIONS §72)
    links = to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b"))
    # a pair those links join is not scored, unless a steward's must_not_link may split them (DECISIONS §78)
    corrections = to_arrow(
        dbt.ref("int_identity__correction_pairs").select("record_key_a", "record_key_b", "correction_type")
    )
    if spark is not None:
        return to_model_result(
            stages.scored_pairs(
                records, match_model, threshold=threshold, spark=spark, deterministic=links, corrections=corrections
            ),
            session,
        )
    records = to_arrow(records)
    return parquet_result(
        session,
        lambda path: stages.write_scored_pairs(
            records, match_model, path, threshold, deterministic=links, corrections=corrections
        ),
        "scored_pairs",
    )
