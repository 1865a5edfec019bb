{#- Every link seen from each of its two records, ranked per record: the steward's, then the
    deterministic rules', then the model's by match weight. customer_record_explanations publishes it.
    The ranking is its own table because it carries no text: the explanation travels as a key
    (`explanation_key`, the md5 of the text) and the mart joins the few distinct texts back. Ranking
    the text with each row held 40M rows of ~300 characters in the window and spilled 23 GiB at 10M
    source records; this table spills 2.5 GiB and the mart none (DECISIONS §59). -#}
with

links as (
    select * from {{ ref('int_identity__links') }}
),

keyed_links as (
    -- the text's key once per link, before each link becomes its two ends
    select
        *,
        {{ dbt.hash('link_explanation') }} as explanation_key
    from links
),

ends as (
    -- a link has two ends: one row per end, one scan of the links
    select 1 as end_number
    union all
    select 2 as end_number
),

link_ends as (
    select
        keyed_links.link_id,
        case
            when ends.end_number = 1 then keyed_links.record_key_a
            else keyed_links.record_key_b
        end as record_key,
        case
            when ends.end_number = 1 then keyed_links.record_key_b
            else keyed_links.record_key_a
        end as other_record_key,
        keyed_links.link_method,
        keyed_links.link_rule,
        keyed_links.link_evidence,
        keyed_links.match_weight,
        keyed_links.match_probability,
        keyed_links.steward_correction_id,
        keyed_links.explanation_key
    from keyed_links
    cross join ends
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
    from link_ends
),

final as (
    select
        link_id,
        record_key,
        other_record_key,
        link_method,
        link_rule,
        link_evidence,
        match_weight,
        match_probability,
        steward_correction_id,
        explanation_key,
        explanation_rank
    from ranked
)

select * from final
