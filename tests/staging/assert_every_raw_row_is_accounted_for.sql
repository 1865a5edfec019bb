{{ config(tags=['reconciliation']) }}
{#- For every enabled source table: rows read from its file + lines that could not be read as rows
    = usable staged rows + quarantined rows (rejected rows and unreadable lines); and the landing
    audit's count of rows read equals the landed table. Returns one row per table where they disagree. -#}
{%- set staged = source_tables() -%}

with

landing_files as (
    select * from {{ ref('stg_landing__files') }}
),

counts as (
    {%- for table in staged %}
    select
        '{{ table.system }}' as source_system,
        '{{ table.table }}' as source_table,
        (select count(*) from {{ source(table.system, table.table) }}) as raw_rows,
        (
            select max(row_count) from landing_files
            where source_system = '{{ table.system }}' and source_table = '{{ table.table }}'
        ) as audited_rows,
        (
            select coalesce(max(unreadable_line_count), 0) from landing_files
            where source_system = '{{ table.system }}' and source_table = '{{ table.table }}'
        ) as unreadable_lines,
        (
            select count(*) from {{ ref(table.model) }}
            where not is_rejected
        ) as usable_rows,
        (
            select count(*) from {{ ref('int_quarantine__rejected_rows') }}
            where source_system = '{{ table.system }}' and source_table = '{{ table.table }}'
        ) as quarantined_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select *
from counts
where
    raw_rows + unreadable_lines != usable_rows + quarantined_rows
    or audited_rows is null
    or audited_rows != raw_rows
