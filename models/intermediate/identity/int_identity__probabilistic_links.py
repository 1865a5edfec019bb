"""Probabilistic links: Fellegi–Sunter scores of candidate record pairs (Splink, committed model
python/customer360/identity/splink_model.json), accepted at or above
var('identity_match_probability_threshold'), with the comparison levels that explain each link."""

from customer360.identity import matching


def model(dbt, session):
    dbt.config(materialized="table")
    threshold = float(dbt.config.meta_get("match_probability_threshold"))
    return matching.probabilistic_links(dbt.ref("int_identity__records").arrow().read_all(), threshold)
