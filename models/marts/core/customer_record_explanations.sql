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

link_ends as (
    select * from {{ ref('int_identity__link_ends') }}
),

links as (
    select * from {{ ref('int_identity__links') }}
),

explanation_texts as (
    -- the distinct texts (at 10M source records 417k for 20M links), joined back by their key
    select
        {{ dbt.hash('link_explanation') }} as explanation_key,
        link_explanation
    from (
        select distinct link_explanation
        from links
        -- a steward's own words stay private: the mart writes the correction's id instead
        where link_method != 'steward'
    ) as distinct_texts
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
            else explanation_texts.link_explanation
        end as link_explanation,
        link_ends.steward_correction_id,
        crosswalk.steward_correction_ids as record_steward_correction_ids,
        crosswalk.resolution_rules as record_resolution_rules,
        link_ends.match_weight,
        link_ends.match_probability,
        -- a record without a link is its customer's only record: its one row comes first
        coalesce(link_ends.explanation_rank, 1) as explanation_rank,
        crosswalk.customer_record_count
    from crosswalk
    left join link_ends
        on crosswalk.record_key = link_ends.record_key
    left join explanation_texts
        on link_ends.explanation_key = explanation_texts.explanation_key
    left join crosswalk as other_record
        on link_ends.other_record_key = other_record.record_key
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
    from explained
)

select * from final
