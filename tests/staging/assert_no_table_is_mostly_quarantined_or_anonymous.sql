{#- Silence is an error: a table whose rows are mostly quarantined, or whose identity records mostly
    resolve to nobody, must not pass green. Fails with one row per source table whose quarantined share
    of landed rows exceeds var('quality_max_rejected_share'), or whose anonymous share of identity
    records exceeds var('quality_max_anonymous_share') (tables of activity without any person detail,
    such as web page events, are not identity records and are not counted), naming the table and why. -#}
with

source_tables as (
    select * from {{ ref('int_governance__source_tables') }}
),

resolution as (
    select * from {{ ref('int_identity__resolution_summary') }}
),

rejected as (
    select
        source_system,
        source_table,
        cast(rejected_row_count + unreadable_line_count as double)
        / nullif(landed_row_count + unreadable_line_count, 0) as affected_share,
        'quarantined' as kind
    from source_tables
),

anonymous as (
    select
        source_system,
        source_table,
        cast(anonymous_record_count as double) / nullif(record_count, 0) as affected_share,
        'anonymous' as kind
    from resolution
),

final as (
    select
        source_system,
        source_table,
        kind,
        round(affected_share, 4) as affected_share,
        cast(round(100 * affected_share, 1) as {{ dbt.type_string() }}) || '% of the rows of '
        || source_system || '.' || source_table || ' are quarantined'
        || ' (see int_quarantine__rejected_rows for the reasons)' as problem
    from rejected
    where affected_share > {{ var('quality_max_rejected_share') }}
    union all
    select
        source_system,
        source_table,
        kind,
        round(affected_share, 4) as affected_share,
        cast(round(100 * affected_share, 1) as {{ dbt.type_string() }}) || '% of the identity records of '
        || source_system || '.' || source_table || ' are anonymous'
        || ' (they identify nobody: no name, email, phone, id number or customer key)' as problem
    from anonymous
    where affected_share > {{ var('quality_max_anonymous_share') }}
)

select * from final
