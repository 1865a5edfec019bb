{#- Load statistics of every enabled source table, one row per table: rows landed, rows usable and
    rows quarantined (is_rejected) in its staging model, the latest load time (loaded_at), and what the
    landing step found (stg_landing__files: file present or absent, lines it could not read, contract
    columns the file lacked). A
    union over source_tables() like int_quarantine__rejected_rows (one same-shaped aggregate per
    staging model), so a table switched off simply has no row. -#}
{%- set staged = source_tables() -%}

with

{% for table in staged %}
{{ table.model }} as (
    select * from {{ ref(table.model) }}
),
{% endfor %}

landing_files as (
    select * from {{ ref('stg_landing__files') }}
),

unioned as (
    {%- for table in staged %}
    select
        '{{ table.system }}' as source_system,
        '{{ table.table }}' as source_table,
        '{{ table.model }}' as staging_model,
        count(*) as landed_row_count,
        count(*) filter (where not is_rejected) as usable_row_count,
        count(*) filter (where is_rejected) as rejected_row_count,
        max(loaded_at) as last_loaded_at
    from {{ table.model }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat(["unioned.source_system", "':'", "unioned.source_table"]) }} as source_table_id,
        unioned.source_system,
        unioned.source_table,
        unioned.staging_model,
        landing_files.file_path,
        landing_files.missing_columns,
        unioned.landed_row_count,
        unioned.usable_row_count,
        unioned.rejected_row_count,
        coalesce(landing_files.unreadable_line_count, 0) as unreadable_line_count,
        coalesce(landing_files.is_present, true) as is_file_present,
        unioned.last_loaded_at
    from unioned
    left join landing_files
        on unioned.source_system = landing_files.source_system and unioned.source_table = landing_files.source_table
)

select * from final
