"""The state of every model-input record as this build's scoring saw it: a hash of its row and of the
records the deterministic links join it with before scoring (customer360.identity.stages.scored_records).
Built after int_identity__scored_pairs, whose next build reads it to score only the pairs of records that
are new or changed since (customer360.identity.incremental, DECISIONS §88)."""

from customer360.frames import to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    dbt.ref("int_identity__scored_pairs")  # built after the scoring it describes
    return to_model_result(
        stages.scored_records(
            to_arrow(dbt.ref("int_identity__model_input")),
            to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b")),
            to_arrow(dbt.ref("int_identity__correction_pairs").select("record_key_a", "record_key_b", "correction_type")),
        ),
        session,
    )
