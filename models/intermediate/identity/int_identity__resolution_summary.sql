{#- How the identity records of each source table were resolved: into a customer with other records,
    as a customer of their own, or left out as anonymous (no name or email anywhere in the records
    linked to them: sessions and card-only sales no reference ties to a person, calls without any
    caller detail). One row per source table. -#}

with

records as (
    select * from {{ ref('int_identity__records') }}
),

clusters as (
    select * from {{ ref('int_identity__clusters') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

final as (
    select
        records.source_system,
        records.source_table,
        count(*) as record_count,
        count(crosswalk.record_key) as resolved_record_count,
        count(*) filter (where crosswalk.resolution_method = 'deterministic') as deterministic_record_count,
        count(*) filter (where crosswalk.resolution_method = 'steward') as steward_record_count,
        count(*) filter (where crosswalk.resolution_method = 'probabilistic') as probabilistic_record_count,
        count(*) filter (where crosswalk.resolution_method = 'singleton') as singleton_record_count,
        count(*) filter (where clusters.is_anonymous) as anonymous_record_count,
        count(distinct crosswalk.customer_id) as customer_count
    from records
    inner join clusters
        on records.record_key = clusters.record_key
    left join crosswalk
        on records.record_key = crosswalk.record_key
    group by records.source_system, records.source_table
)

select * from final
