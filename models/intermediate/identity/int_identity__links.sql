{#- Every link that joins two records of one customer, explained: a steward's must_link correction
    (who, when, why), the deterministic rule and what it requires, or the model's match weight,
    probability and comparison levels. Links of the model that the clustering refused (the two
    customers were proven two people) and deterministic links a steward's must_not_link overrode join
    records of different customers and are left out. The marts layer publishes the explanations
    without personal data (fct_identity_record_links). -#}

with

deterministic_links as (
    select * from {{ ref('int_identity__deterministic_links') }}
),

probabilistic_links as (
    select * from {{ ref('int_identity__probabilistic_links') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

correction_pairs as (
    select * from {{ ref('int_identity__correction_pairs') }}
),

steward_corrections as (
    select * from {{ ref('int_identity__steward_corrections') }}
),

steward_links as (
    select
        correction_pairs.record_key_a,
        correction_pairs.record_key_b,
        steward_corrections.correction_id,
        'must_link correction ' || steward_corrections.correction_id || ' filed by '
        || steward_corrections.requested_by || ' on '
        || {{ format_date_sql('steward_corrections.requested_at', '%Y-%m-%d') }}
        || ': ' || steward_corrections.correction_reason as link_explanation
    from correction_pairs
    inner join steward_corrections
        on correction_pairs.correction_id = steward_corrections.correction_id
    where correction_pairs.correction_type = 'must_link'
),

unioned as (
    select
        record_key_a,
        record_key_b,
        'deterministic' as link_method,
        link_rule,
        link_rule_kind as link_evidence,
        link_rule_description as link_explanation,
        cast(null as {{ dbt.type_string() }}) as blocking_rule,
        cast(null as double) as match_weight,
        cast(null as double) as match_probability,
        cast(null as {{ dbt.type_string() }}) as steward_correction_id
    from deterministic_links
    union all
    select
        record_key_a,
        record_key_b,
        'steward' as link_method,
        'steward_must_link' as link_rule,
        'steward_correction' as link_evidence,
        link_explanation,
        cast(null as {{ dbt.type_string() }}) as blocking_rule,
        cast(null as double) as match_weight,
        cast(null as double) as match_probability,
        correction_id as steward_correction_id
    from steward_links
    union all
    select
        record_key_a,
        record_key_b,
        'probabilistic' as link_method,
        'probabilistic_match' as link_rule,
        'comparison_levels' as link_evidence,
        comparison_levels as link_explanation,
        blocking_rule,
        match_weight,
        match_probability,
        cast(null as {{ dbt.type_string() }}) as steward_correction_id
    from probabilistic_links
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "unioned.record_key_a", "'|'", "unioned.record_key_b", "'|'", "unioned.link_rule",
            "coalesce('|' || unioned.steward_correction_id, '')",
        ])) }} as link_id,
        left_record.customer_id,
        unioned.record_key_a,
        unioned.record_key_b,
        unioned.link_method,
        unioned.link_rule,
        unioned.link_evidence,
        unioned.link_explanation,
        unioned.blocking_rule,
        unioned.match_weight,
        unioned.match_probability,
        unioned.steward_correction_id
    from unioned
    inner join crosswalk as left_record
        on unioned.record_key_a = left_record.record_key
    inner join crosswalk as right_record
        on unioned.record_key_b = right_record.record_key
    where left_record.customer_id = right_record.customer_id
)

select * from final
