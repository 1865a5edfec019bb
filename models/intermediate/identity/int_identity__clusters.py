"""Customer of every record: connected components over deterministic and probabilistic links, with
persistent customer ids (see customer360.identity.clustering): derived from each customer's anchor
record, and carried over from this model's previous build when there is one."""

from customer360.identity import clustering


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        previous = session.sql(f"select record_key, customer_id from {dbt.this}").arrow().read_all()
    except Exception:  # first build: no previous assignment
        previous = None
    return clustering.cluster_records(
        dbt.ref("int_identity__records").arrow().read_all(),
        dbt.ref("int_identity__deterministic_links").arrow().read_all(),
        dbt.ref("int_identity__probabilistic_links").arrow().read_all(),
        previous=previous,
    )
