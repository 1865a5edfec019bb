"""The probabilistic matching model of this build: trained on the identity records being built (the
deterministic links as pairs known to be one person), the previous build's model while this data
still fits it (var identity_retrain trains again), or the pinned model of var identity_model_path
checked against this data's fingerprint. One row (customer360.identity.stages.match_model)."""

from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        previous = session.sql(f"select * from {dbt.this}").arrow().read_all()
    except Exception:  # first build: no previous model
        previous = None
    return stages.match_model(
        dbt.ref("int_identity__model_input").arrow().read_all(),
        dbt.ref("int_identity__deterministic_links").arrow().read_all(),
        pinned_path=dbt.config.meta_get("model_path") or None,
        seed=int(dbt.config.meta_get("training_seed")),
        previous=previous,
        retrain=str(dbt.config.meta_get("retrain")).lower() in ("true", "1", "yes"),
    )
