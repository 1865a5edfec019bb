"""Customer of every record: the stewards' corrections first (a must_not_link is never joined, a
must_link always is), deterministic links followed as they are, the model's links strongest first unless
the two customers are proven two people, persistent customer ids carried over from this model's previous
build (customer360.identity.stages.customers)."""

from customer360.identity import clustering, stages


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        previous = session.sql(f"select record_key, customer_id from {dbt.this}").arrow().read_all()
    except Exception:  # first build: no previous assignment
        previous = None
    # only the columns the clustering reads come into Arrow (the scored pairs' explanations stay behind)
    records = dbt.ref("int_identity__records")
    wanted = [c for c in clustering.RECORD_COLUMNS if c in records.columns]
    return stages.customers(
        records.project(", ".join(wanted)).arrow().read_all(),
        dbt.ref("int_identity__deterministic_links").project("record_key_a, record_key_b").arrow().read_all(),
        dbt.ref("int_identity__scored_pairs").project(
            "record_key_a, record_key_b, match_weight, pair_decision"
        ).arrow().read_all(),
        dbt.ref("int_identity__match_model").arrow().read_all(),
        previous=previous,
        corrections=dbt.ref("int_identity__correction_pairs").arrow().read_all(),
    )
