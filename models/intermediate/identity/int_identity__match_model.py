"""The probabilistic matching model of this build: trained on the identity records being built (the
deterministic links as pairs known to be one person), the previous build's model while this data
still fits it (var identity_retrain trains again), or the pinned model of var identity_model_path
checked against this data's fingerprint. One row (customer360.identity.stages.match_model)."""

from customer360.frames import previous_build, to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    previous = previous_build(session, dbt.this, "*")  # None on a first build
    return to_model_result(
        stages.match_model(
            to_arrow(dbt.ref("int_identity__model_input")),
            to_arrow(dbt.ref("int_identity__deterministic_links")),
            pinned_path=dbt.config.meta_get("model_path") or None,
            seed=int(dbt.config.meta_get("training_seed")),
            previous=previous,
            retrain=str(dbt.config.meta_get("retrain")).lower() in ("true", "1", "yes"),
        ),
        session,
    )
