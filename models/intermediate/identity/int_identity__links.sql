{#- Every link that joins two records of one customer, explained: the deterministic rule and what it
    requires, or the model's match weight, probability and comparison levels. Links of the model that
    the clustering refused (the two customers were proven two people) join records of different
    customers and are left out. The marts layer publishes this as the identity links. -#}

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
        cast(null as double) as match_probability
    from deterministic_links
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
        match_probability
    from probabilistic_links
),

final as (
    select
        {{ dbt.hash(dbt.concat(["unioned.record_key_a", "'|'", "unioned.record_key_b", "'|'", "unioned.link_rule"])) }}
            as link_id,
        left_record.customer_id,
        unioned.record_key_a,
        unioned.record_key_b,
        unioned.link_method,
        unioned.link_rule,
        unioned.link_evidence,
        unioned.link_explanation,
        unioned.blocking_rule,
        unioned.match_weight,
        unioned.match_probability
    from unioned
    inner join crosswalk as left_record
        on unioned.record_key_a = left_record.record_key
    inner join crosswalk as right_record
        on unioned.record_key_b = right_record.record_key
    where left_record.customer_id = right_record.customer_id
)

select * from final
