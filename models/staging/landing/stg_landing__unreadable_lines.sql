{#- Lines of landing files that could not be read as rows, with their line numbers and the problem. -#}
with

source as (
    select * from {{ source('landing', 'unreadable_lines') }}
),

final as (
    select
        {{ dbt.concat(["source_system", "':'", "source_table", "':line:'",
            dbt.safe_cast("line_number", dbt.type_string())]) }} as unreadable_line_id,
        source_system,
        source_table,
        file_path,
        column_name,
        problem,
        line_number
    from source
)

select * from final
