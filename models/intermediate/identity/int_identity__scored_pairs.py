"""Every blocked record pair the match model links (at or above the threshold it chooses, or
var identity_match_probability_threshold) or scores as two people, explained
(customer360.identity.stages.scored_pairs). On Spark, Splink's Spark backend scores the model input in
the build's session (customer360.spark.scoring); on DuckDB, Splink's DuckDB backend in this process."""

from customer360.frames import spark_session, to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    threshold = dbt.config.meta_get("match_probability_threshold")
    spark = spark_session(session)  # None on DuckDB
    records = dbt.ref("int_identity__model_input")
    return to_model_result(
        stages.scored_pairs(
            records if spark is not None else to_arrow(records),
            to_arrow(dbt.ref("int_identity__match_model")),
            threshold=float(threshold) if threshold not in (None, "", "None", "none") else None,
            spark=spark,
        ),
        session,
    )
