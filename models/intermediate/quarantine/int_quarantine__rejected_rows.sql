{#- Every landed row that staging rejected, from every enabled source table, with the reason and
    the row as it arrived, and every line of a landing file that could not be read as a row
    (stg_landing__unreadable_lines: its line number and the problem, no content). Together with the
    usable staged rows this accounts for every raw row
    (tests/staging/assert_every_raw_row_is_accounted_for.sql). -#}
{%- set staged = source_tables() -%}

with

{% for table in staged %}
{{ table.model }} as (
    select * from {{ ref(table.model) }}
),
{% endfor %}

unreadable_lines as (
    select * from {{ ref('stg_landing__unreadable_lines') }}
),

rejected_rows as (
    {%- for table in staged %}
    select
        '{{ table.system }}' as source_system,
        '{{ table.table }}' as source_table,
        record_key,
        rejection_reason,
        rejected_raw_row,
        source_row_number,
        cast(null as bigint) as source_line_number,
        loaded_at
    from {{ table.model }}
    where is_rejected
    union all
    {%- endfor %}
    select
        source_system,
        source_table,
        null as record_key,
        {{ dbt.concat(["'unreadable line: '", "problem"]) }} as rejection_reason,
        null as rejected_raw_row,
        null as source_row_number,
        line_number as source_line_number,
        null as loaded_at
    -- the landing step keeps lines of enabled systems only
    from unreadable_lines
),

final as (
    select
        case
            when source_line_number is not null
                then {{ dbt.concat(["source_system", "':'", "source_table", "':line:'",
                    dbt.safe_cast("source_line_number", dbt.type_string())]) }}
            else {{ dbt.concat(["source_system", "':'", "source_table", "':row:'",
                dbt.safe_cast("source_row_number", dbt.type_string())]) }}
        end as quarantined_row_id,
        source_system,
        source_table,
        record_key,
        rejection_reason,
        rejected_raw_row,
        source_row_number,
        source_line_number,
        loaded_at
    from rejected_rows
)

select * from final
