"""The matching input, built once per run: the person records of int_identity__records with a field the
model compares, reduced to its columns (customer360.identity.prepare.prepare_records). The match model,
the scored pairs and the blocking-rule counts read this table instead of each pulling every identity
record into Arrow and preparing it again."""

from customer360.frames import to_arrow, to_model_result
from customer360.identity.prepare import prepare_records


def model(dbt, session):
    dbt.config(materialized="table")
    return to_model_result(prepare_records(to_arrow(dbt.ref("int_identity__records"))), session)
