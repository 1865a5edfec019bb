"""Customer of every record: the stewards' corrections first (a must_not_link is never joined, a
must_link always is), deterministic links followed as they are, the model's links strongest first unless
the two customers are proven two people, persistent customer ids carried over from this model's previous
build (customer360.identity.stages.customers)."""

from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        previous = session.sql(f"select record_key, customer_id from {dbt.this}").arrow().read_all()
    except Exception:  # first build: no previous assignment
        previous = None
    return stages.customers(
        dbt.ref("int_identity__records").arrow().read_all(),
        dbt.ref("int_identity__deterministic_links").arrow().read_all(),
        dbt.ref("int_identity__scored_pairs").arrow().read_all(),
        dbt.ref("int_identity__match_model").arrow().read_all(),
        previous=previous,
        corrections=dbt.ref("int_identity__correction_pairs").arrow().read_all(),
    )
