{#- Every landed row that staging rejected, from every enabled source table, with the reason and
    the row as it arrived. Together with the usable staged rows this accounts for every raw row
    (tests/staging/assert_every_raw_row_is_accounted_for.sql). -#}
{%- set staged = source_tables() -%}

with

{% for table in staged %}
{{ table.model }} as (
    select * from {{ ref(table.model) }}
),
{% endfor %}

rejected_rows as (
    {%- for table in staged %}
    select
        '{{ table.system }}' as source_system,
        '{{ table.table }}' as source_table,
        record_key,
        rejection_reason,
        rejected_raw_row,
        source_row_number,
        loaded_at
    from {{ table.model }}
    where is_rejected
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat(["source_system", "':'", "source_table", "':row:'",
            dbt.safe_cast("source_row_number", dbt.type_string())]) }} as quarantined_row_id,
        source_system,
        source_table,
        record_key,
        rejection_reason,
        rejected_raw_row,
        source_row_number,
        loaded_at
    from rejected_rows
)

select * from final
