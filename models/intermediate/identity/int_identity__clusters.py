"""Customer of every record: the stewards' corrections first (a must_not_link is never joined, a
must_link always is), deterministic links followed as they are, the model's links strongest first unless
the two customers are proven two people, persistent customer ids carried over from this model's previous
build (customer360.identity.stages.customers)."""

from customer360.frames import to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        previous = to_arrow(session.sql(f"select record_key, customer_id from {dbt.this}"))
    except Exception:  # first build: no previous assignment
        previous = None
    return to_model_result(
        stages.customers(
            to_arrow(dbt.ref("int_identity__records")),
            to_arrow(dbt.ref("int_identity__deterministic_links")),
            to_arrow(dbt.ref("int_identity__scored_pairs")),
            to_arrow(dbt.ref("int_identity__match_model")),
            previous=previous,
            corrections=to_arrow(dbt.ref("int_identity__correction_pairs")),
        ),
        session,
    )
