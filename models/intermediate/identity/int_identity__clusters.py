"""Customer of every record: the stewards' corrections first (a must_not_link is never joined, a
must_link always is), deterministic links followed as they are, the model's links strongest first unless
the two customers are proven two people, persistent customer ids carried over from this model's previous
build (customer360.identity.stages.customers)."""

from customer360.frames import previous_build, query_arrow, to_arrow, to_model_result
from customer360.identity import clustering, stages


def model(dbt, session):
    dbt.config(materialized="table")
    previous = previous_build(session, dbt.this, "record_key, customer_id")  # None on a first build
    records = dbt.ref("int_identity__records")
    # only the columns the clustering reads; the engine numbers the records and turns every scored pair's
    # record keys into those numbers (clustering.positioned_sql), so no record key of a pair comes into Python
    records = records.select(*[c for c in clustering.RECORD_COLUMNS if c in records.columns])
    pairs = dbt.ref("int_identity__scored_pairs").select("record_key_a", "record_key_b", "match_weight", "pair_decision")
    records_sql, pairs_sql = clustering.positioned_sql("c360_cluster_records", "c360_cluster_pairs")
    return to_model_result(
        stages.customers(
            query_arrow(session, records_sql, c360_cluster_records=records),
            to_arrow(dbt.ref("int_identity__deterministic_links").select("record_key_a", "record_key_b")),
            query_arrow(session, pairs_sql, c360_cluster_records=records, c360_cluster_pairs=pairs),
            to_arrow(dbt.ref("int_identity__match_model")),
            previous=previous,
            corrections=to_arrow(dbt.ref("int_identity__correction_pairs")),
        ),
        session,
    )
