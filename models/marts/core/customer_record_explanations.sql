{#- "Why is this record in this customer?", without personal data: every source record of every
    customer with each link that ties it to another record of the same customer — a steward's
    must_link, a deterministic rule, or the model's match weight and comparison levels — and the other
    record of the pair; a customer of one record has one row without a pair. One row per record and
    link (a link appears once from each of its two records); `is_primary_explanation` marks the one
    to show first per record. A steward's reason and name stay in the private file. -#}
with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

links as (
    select * from {{ ref('int_identity__links') }}
),

link_ends as (
    select
        link_id,
        record_key_a as record_key,
        record_key_b as other_record_key,
        link_method,
        link_rule,
        link_evidence,
        link_explanation,
        match_weight,
        match_probability,
        steward_correction_id
    from links
    union all
    select
        link_id,
        record_key_b as record_key,
        record_key_a as other_record_key,
        link_method,
        link_rule,
        link_evidence,
        link_explanation,
        match_weight,
        match_probability,
        steward_correction_id
    from links
),

explained as (
    select
        crosswalk.customer_id,
        crosswalk.record_key,
        crosswalk.source_system,
        crosswalk.source_table,
        link_ends.link_id,
        link_ends.other_record_key,
        other_record.source_system as other_source_system,
        other_record.source_table as other_source_table,
        coalesce(link_ends.link_method, 'singleton') as link_method,
        coalesce(link_ends.link_rule, 'singleton') as link_rule,
        link_ends.link_evidence,
        case
            -- the steward's own words may name the customer: only the correction's id is published
            when link_ends.link_method = 'steward'
                then
                    'must_link correction ' || link_ends.steward_correction_id
                    || ' (a data steward joined these records)'
            when link_ends.link_method is null then 'the customer has this record only'
            else link_ends.link_explanation
        end as link_explanation,
        link_ends.steward_correction_id,
        crosswalk.steward_correction_ids as record_steward_correction_ids,
        crosswalk.resolution_rules as record_resolution_rules,
        link_ends.match_weight,
        link_ends.match_probability,
        crosswalk.customer_record_count
    from crosswalk
    left join link_ends
        on crosswalk.record_key = link_ends.record_key
    left join crosswalk as other_record
        on link_ends.other_record_key = other_record.record_key
),

ranked as (
    select
        *,
        -- bigint on both engines (Spark's row_number is an int)
        cast(row_number() over (
            partition by record_key
            order by
                case link_method
                    when 'steward' then 0
                    when 'deterministic' then 1
                    when 'probabilistic' then 2
                    else 3
                end asc,
                match_weight desc nulls last,
                link_rule asc,
                other_record_key asc
        ) as bigint) as explanation_rank
    from explained
),

final as (
    select
        {{ dbt.hash(dbt.concat(["record_key", "'|'", "coalesce(link_id, 'singleton')"])) }} as explanation_id,
        customer_id,
        record_key,
        source_system,
        source_table,
        other_record_key,
        other_source_system,
        other_source_table,
        link_method,
        link_rule,
        link_evidence,
        link_explanation,
        steward_correction_id,
        record_steward_correction_ids,
        record_resolution_rules,
        match_weight,
        match_probability,
        explanation_rank,
        customer_record_count,
        explanation_rank = 1 as is_primary_explanation
    from ranked
)

select * from final
