{#- The landing audit: one row per enabled source table and what its file held at the last landing. -#}
with

source as (
    select * from {{ source('landing', 'files') }}
),

final as (
    select
        {{ dbt.concat(["source_system", "':'", "source_table"]) }} as source_table_id,
        source_system,
        source_table,
        file_path,
        file_format,
        missing_columns,
        unknown_columns,
        file_bytes,
        row_count,
        erased_row_count,
        erased_reference_count,
        unreadable_line_count,
        is_present,
        file_modified_at,
        landed_at
    from source
)

select * from final
