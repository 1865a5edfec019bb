"""Every blocked record pair the match model links (at or above the threshold it chooses, or
var identity_match_probability_threshold) or scores as two people, explained
(customer360.identity.stages.scored_pairs)."""

from customer360.frames import to_arrow, to_model_result
from customer360.identity import stages


def model(dbt, session):
    dbt.config(materialized="table")
    threshold = dbt.config.meta_get("match_probability_threshold")
    return to_model_result(
        stages.scored_pairs(
            to_arrow(dbt.ref("int_identity__model_input")),
            to_arrow(dbt.ref("int_identity__match_model")),
            threshold=float(threshold) if threshold not in (None, "", "None", "none") else None,
        ),
        session,
    )
