"""Customer of every record: the stewards' corrections first (a must_not_link is never joined, a
must_link always is), deterministic links followed as they are, the model's links strongest first unless
the two customers are proven two people, persistent customer ids carried over from this model's previous
build (customer360.identity.stages.customers)."""

from customer360.frames import previous_build, to_arrow, to_model_result
from customer360.identity import clustering, stages


def model(dbt, session):
    dbt.config(materialized="table")
    previous = previous_build(session, dbt.this, "record_key, customer_id")  # None on a first build
    # only the columns the clustering reads come into Arrow (the scored pairs' explanations stay behind)
    records = dbt.ref("int_identity__records")
    return to_model_result(
        stages.customers(
            to_arrow(records.select(*[c for c in clustering.RECORD_COLUMNS if c in records.columns])),
            to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b")),
            to_arrow(
                dbt.ref("int_identity__scored_pairs").select(
                    "record_key_a", "record_key_b", "match_weight", "pair_decision"
                )
            ),
            to_arrow(dbt.ref("int_identity__match_model")),
            previous=previous,
            corrections=to_arrow(dbt.ref("int_identity__correction_pairs")),
        ),
        session,
    )
