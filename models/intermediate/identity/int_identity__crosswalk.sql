{#- Every resolved source record → its customer, and how it got there: the deterministic rules, a
    steward's must_link and the strongest probabilistic link that tie it to the other records of its
    customer, or 'singleton'; and the steward corrections that hold on the record. Records whose cluster identifies nobody (anonymous sessions and card-only sales
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

correction_pairs as (
    select * from {{ ref('int_identity__correction_pairs') }}
),

steward_corrections as (
    select * from {{ ref('int_identity__steward_corrections') }}
),

applied_pairs as (
    select correction_pairs.*
    from correction_pairs
    inner join steward_corrections
        on correction_pairs.correction_id = steward_corrections.correction_id
    where steward_corrections.correction_status = 'applied'
),

correction_ends as (
    select
        record_key_a as record_key,
        correction_id,
        correction_type
    from applied_pairs
    union all
    select
        record_key_b as record_key,
        correction_id,
        correction_type
    from applied_pairs
),

corrections_by_record as (
    select
        record_key,
        {{ string_agg_distinct_sorted('correction_id', ', ') }} as steward_correction_ids,
        bool_or(correction_type = 'must_link') as has_steward_must_link,
        bool_or(correction_type = 'must_not_link') as has_steward_must_not_link
    from correction_ends
    group by record_key
),

within_customer_deterministic_links as (
    -- a link a steward's must_not_link overrode joins two customers and explains neither
    select deterministic_links.*
    from deterministic_links
    inner join clusters as cluster_a
        on deterministic_links.record_key_a = cluster_a.record_key
    inner join clusters as cluster_b
        on deterministic_links.record_key_b = cluster_b.record_key
    where cluster_a.customer_id = cluster_b.customer_id
),

within_customer_probabilistic_links as (
    -- a model link the clustering refused joins two customers and explains neither
    select probabilistic_links.*
    from probabilistic_links
    inner join clusters as cluster_a
        on probabilistic_links.record_key_a = cluster_a.record_key
    inner join clusters as cluster_b
        on probabilistic_links.record_key_b = cluster_b.record_key
    where cluster_a.customer_id = cluster_b.customer_id
),

deterministic_ends as (
    select
        record_key_a as record_key,
        link_rule
    from within_customer_deterministic_links
    union all
    select
        record_key_b as record_key,
        link_rule
    from within_customer_deterministic_links
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
    from within_customer_probabilistic_links
    union all
    select
        record_key_b as record_key,
        match_weight
    from within_customer_probabilistic_links
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
            when corrections_by_record.has_steward_must_link then 'steward'
            else 'probabilistic'
        end as resolution_method,
        case
            when clusters.cluster_record_count = 1 and corrections_by_record.has_steward_must_not_link
                then 'singleton, steward_must_not_link'
            when clusters.cluster_record_count = 1 then 'singleton'
            else concat_ws(
                ', ',
                case when corrections_by_record.has_steward_must_link then 'steward_must_link' end,
                deterministic_by_record.link_rules,
                case
                    when deterministic_by_record.link_rules is null and probabilistic_by_record.record_key is not null
                        then 'probabilistic_match'
                end,
                case when corrections_by_record.has_steward_must_not_link then 'steward_must_not_link' end
            )
        end as resolution_rules,
        corrections_by_record.steward_correction_ids,
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
    left join corrections_by_record
        on clusters.record_key = corrections_by_record.record_key
    where not clusters.is_anonymous
)

select * from final
