{#- Silence is an error: a build that finds person records but resolves no customer from them (an
    export whose records carry ids but nothing the identity layer can use) must not pass green. Fails
    with one row naming every source table that holds person records when no customer was found. -#}
with

resolution as (
    select * from {{ ref('int_identity__resolution_summary') }}
),

totals as (
    select
        sum(record_count) as record_count,
        sum(resolved_record_count) as resolved_record_count
    from resolution
),

final as (
    select
        resolution.source_system,
        resolution.source_table,
        resolution.record_count,
        'no customer was resolved from any of the build''s '
        || cast(totals.record_count as {{ dbt.type_string() }})
        || ' identity records: they carry no name, email, phone, id number or source customer key'
        || ' the identity layer can use' as problem
    from resolution
    cross join totals
    where totals.record_count > 0 and coalesce(totals.resolved_record_count, 0) = 0
)

select * from final
