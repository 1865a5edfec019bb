{#- Every steward correction and what the build made of it: the records it stands for, the customers
    they belong to now, whether it holds, and the deterministic links it overrode. A steward's
    correction wins over every rule and over the model (DECISIONS.md §40); when it
    overrides a deterministic rule, or a must_not_link overrules a must_link, the conflict is reported
    here and by the warning test warn_steward_corrections_conflict. Rows the staging model
    rejected are in the quarantine, not here. One row per correction. -#}
with

corrections as (
    select * from {{ ref('stg_stewardship__corrections') }}
),

correction_pairs as (
    select * from {{ ref('int_identity__correction_pairs') }}
),

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

deterministic_links as (
    select * from {{ ref('int_identity__deterministic_links') }}
),

valid_corrections as (
    select * from corrections
    where not is_rejected
),

pair_customers as (
    select
        correction_pairs.correction_id,
        correction_pairs.correction_type,
        correction_pairs.record_key_a,
        correction_pairs.record_key_b,
        customer_a.customer_id as customer_id_a,
        customer_b.customer_id as customer_id_b,
        coalesce(customer_a.customer_id = customer_b.customer_id, false) as is_same_customer
    from correction_pairs
    inner join clusters as customer_a
        on correction_pairs.record_key_a = customer_a.record_key
    inner join clusters as customer_b
        on correction_pairs.record_key_b = customer_b.record_key
),

pair_summary as (
    select
        correction_id,
        count(*) as record_pair_count,
        count(*) filter (where is_same_customer) as same_customer_pair_count,
        {{ string_agg_distinct_sorted("coalesce(customer_id_a, 'anonymous')", ', ') }} as customer_ids_a,
        {{ string_agg_distinct_sorted("coalesce(customer_id_b, 'anonymous')", ', ') }} as customer_ids_b
    from pair_customers
    group by correction_id
),

separated_links as (
    -- deterministic links whose two records are now in different customers: only a steward's
    -- must_not_link separates what a deterministic rule joins
    select
        deterministic_links.link_rule,
        customer_a.customer_id as customer_id_a,
        customer_b.customer_id as customer_id_b
    from deterministic_links
    inner join clusters as customer_a
        on deterministic_links.record_key_a = customer_a.record_key
    inner join clusters as customer_b
        on deterministic_links.record_key_b = customer_b.record_key
    where not coalesce(
        customer_a.customer_id = customer_b.customer_id,
        customer_a.customer_id is null and customer_b.customer_id is null
    )
),

separating_pairs as (
    select distinct
        correction_id,
        customer_id_a,
        customer_id_b
    from pair_customers
    where correction_type = 'must_not_link' and not is_same_customer
),

overridden as (
    select
        separating_pairs.correction_id,
        count(*) as overridden_link_count,
        {{ string_agg_distinct_sorted('separated_links.link_rule', ', ') }} as overridden_link_rules
    from separating_pairs
    inner join separated_links
        on
            (
                separating_pairs.customer_id_a = separated_links.customer_id_a
                and separating_pairs.customer_id_b = separated_links.customer_id_b
            )
            or (
                separating_pairs.customer_id_a = separated_links.customer_id_b
                and separating_pairs.customer_id_b = separated_links.customer_id_a
            )
    group by separating_pairs.correction_id
),

outcomes as (
    select
        valid_corrections.*,
        pair_summary.customer_ids_a,
        pair_summary.customer_ids_b,
        overridden.overridden_link_rules,
        pair_summary.record_pair_count is null as is_unresolved,
        (
            valid_corrections.correction_type = 'must_link'
            and pair_summary.same_customer_pair_count < pair_summary.record_pair_count
        )
        or (
            valid_corrections.correction_type = 'must_not_link'
            and pair_summary.same_customer_pair_count > 0
        ) as is_overruled,
        coalesce(pair_summary.record_pair_count, 0) as record_pair_count,
        coalesce(overridden.overridden_link_count, 0) as overridden_link_count
    from valid_corrections
    left join pair_summary
        on valid_corrections.correction_id = pair_summary.correction_id
    left join overridden
        on valid_corrections.correction_id = overridden.correction_id
),

final as (
    select
        correction_id,
        correction_type,
        subject_key_a,
        subject_key_b,
        requested_by,
        correction_reason,
        customer_ids_a,
        customer_ids_b,
        case
            when is_unresolved then 'unresolved'
            when is_overruled then 'overruled'
            else 'applied'
        end as correction_status,
        case
            when is_unresolved
                then
                    'a key stands for no record of this build (unknown record key, or a customer id'
                    || ' no record carried in the previous build)'
            when is_overruled and correction_type = 'must_link'
                then 'a must_not_link correction keeps these records apart (must_not_link wins)'
            when is_overruled then 'the records are still one customer'
            when overridden_link_count > 0
                then 'applied; overrides deterministic rule(s) ' || overridden_link_rules
            else 'applied'
        end as correction_outcome,
        overridden_link_rules,
        record_pair_count,
        overridden_link_count,
        overridden_link_count > 0 as has_rule_conflict,
        requested_at
    from outcomes
)

select * from final
