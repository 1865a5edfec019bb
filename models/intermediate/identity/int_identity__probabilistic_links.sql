{#- The record pairs the match model links: scored at or above the build's threshold, explained.
    A view: a filter of the scored pairs, read by the crosswalk (its keys) and the links; as a table it
    was a second copy of every link's explanation (DECISIONS §78). -#}
{{ config(materialized='view') }}
with

scored_pairs as (
    select * from {{ ref('int_identity__scored_pairs') }}
),

final as (
    select
        record_key_a,
        record_key_b,
        blocking_rule,
        comparison_levels,
        match_weight,
        match_probability,
        match_probability_threshold
    from scored_pairs
    where pair_decision = 'link'
)

select * from final
