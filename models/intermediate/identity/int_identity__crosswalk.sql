{#- Every resolved source record → its customer, and how it got there: the deterministic rules and
    the strongest probabilistic link that tie it to the other records of its customer, or
    'singleton'. Records whose cluster identifies nobody (anonymous sessions and card-only sales
    that no reference ties to a person, calls without name or email) are left out and counted in
    int_identity__resolution_summary. -#}

with

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

deterministic_links as (
    select * from {{ ref('int_identity__deterministic_links') }}
),

probabilistic_links as (
    select * from {{ ref('int_identity__probabilistic_links') }}
),

deterministic_ends as (
    select
        record_key_a as record_key,
        link_rule
    from deterministic_links
    union all
    select
        record_key_b as record_key,
        link_rule
    from deterministic_links
),

deterministic_by_record as (
    select
        record_key,
        {{ string_agg_distinct_sorted('link_rule', ', ') }} as link_rules
    from deterministic_ends
    group by record_key
),

probabilistic_ends as (
    select
        record_key_a as record_key,
        match_weight
    from probabilistic_links
    union all
    select
        record_key_b as record_key,
        match_weight
    from probabilistic_links
),

probabilistic_by_record as (
    select
        record_key,
        max(match_weight) as max_match_weight,
        count(*) as probabilistic_link_count
    from probabilistic_ends
    group by record_key
),

final as (
    select
        clusters.record_key,
        clusters.customer_id,
        clusters.anchor_record_key,
        records.source_system,
        records.source_table,
        records.record_kind,
        case
            when clusters.cluster_record_count = 1 then 'singleton'
            when deterministic_by_record.link_rules is not null then 'deterministic'
            else 'probabilistic'
        end as resolution_method,
        case
            when clusters.cluster_record_count = 1 then 'singleton'
            else coalesce(deterministic_by_record.link_rules, 'probabilistic_match')
        end as resolution_rules,
        probabilistic_by_record.max_match_weight,
        coalesce(probabilistic_by_record.probabilistic_link_count, 0) as probabilistic_link_count,
        clusters.cluster_record_count as customer_record_count,
        clusters.record_key = clusters.anchor_record_key as is_customer_anchor,
        records.first_seen_at
    from clusters
    inner join records
        on clusters.record_key = records.record_key
    left join deterministic_by_record
        on clusters.record_key = deterministic_by_record.record_key
    left join probabilistic_by_record
        on clusters.record_key = probabilistic_by_record.record_key
    where not clusters.is_anonymous
)

select * from final
