{{ config(tags=['reconciliation']) }}
{#- For every enabled source table: raw rows = usable staged rows + quarantined rows.
    Returns one row per table where the counts disagree. -#}
{%- set staged = source_tables() -%}

with

counts as (
    {%- for table in staged %}
    select
        '{{ table.system }}' as source_system,
        '{{ table.table }}' as source_table,
        (select count(*) from {{ source(table.system, table.table) }}) as raw_rows,
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
where raw_rows != usable_rows + quarantined_rows
