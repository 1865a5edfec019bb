{#- Load statistics of every enabled source table, one row per table: rows landed, rows usable and
    rows quarantined (is_rejected) in its staging model, and the latest load time (loaded_at). A
    union over source_tables() like int_quarantine__rejected_rows (one same-shaped aggregate per
    staging model), so a table switched off simply has no row. -#}
{%- set staged = source_tables() -%}

with

{% for table in staged %}
{{ table.model }} as (
    select * from {{ ref(table.model) }}
),
{% endfor %}

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
        {{ dbt.concat(["source_system", "':'", "source_table"]) }} as source_table_id,
        source_system,
        source_table,
        staging_model,
        landed_row_count,
        usable_row_count,
        rejected_row_count,
        last_loaded_at
    from unioned
)

select * from final
