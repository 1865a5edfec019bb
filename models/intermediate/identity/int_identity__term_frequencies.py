"""Each compared value's term frequency for this build's match model: the share of the records carrying
it outside its largest holder (records the deterministic links or one profile join; DECISIONS §72),
counted when the model is trained or pinned and kept from the previous build while the model is reused,
as its weights are (customer360.identity.stages.term_frequencies, DECISIONS §88)."""

from customer360.frames import previous_build, spark_session, to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    spark = spark_session(session)  # None on DuckDB
    records = dbt.ref("int_identity__model_input")
    links = to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b"))
    return to_model_result(
        stages.term_frequencies(
            records if spark is not None else to_arrow(records),
            to_arrow(dbt.ref("int_identity__match_model")),
            links,
            previous=previous_build(session, dbt.this, "*"),
            spark=spark,
        ),
        session,
    )
